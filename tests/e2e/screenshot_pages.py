"""The product tour: the pages each portal starts from, shot at two screen sizes.

One list for `tests/e2e/test_screenshots.py` (which checks every page renders) and
`bin/screenshots` (which writes the README's pictures, docs/screenshots/<name>-<viewport>.png).
Paths and headings may name demo orders (`{client_order}`, `{manager_order}` and their
`_number`), looked up by `demo_order_targets()` after `manage.py seed_demo`.
"""

from dataclasses import dataclass

# The password of every demo login is accounts.demo.DEMO_PASSWORD.
VIEWPORTS = {
    "desktop": {"width": 1366, "height": 768},
    "phone": {"width": 390, "height": 844},
}


@dataclass(frozen=True)
class TourPage:
    name: str  # the file's stem: manager-home -> manager-home-desktop.png
    login: str  # a demo login (accounts.demo, customers.demo)
    path: str  # may name a demo order: {client_order}, {manager_order}
    heading: str  # what the page's <h1> says in Russian, the demo's language
    caption: str  # what it shows, for the README

    def url_path(self, targets: dict) -> str:
        return self.path.format(**targets)

    def expected_heading(self, targets: dict) -> str:
        return self.heading.format(**targets)

    def file_name(self, viewport: str) -> str:
        return f"{self.name}-{viewport}.png"


PAGES = [
    TourPage("client-orders", "client1", "/client/orders/", "Мои заказы", "the client's orders"),
    TourPage(
        "client-order",
        "client1",
        "/client/orders/{client_order}/",
        "Заказ {client_order_number}",
        "an order with the quote to accept",
    ),
    TourPage("client-catalog", "client1", "/client/catalog/", "Каталог", "the catalog"),
    TourPage("manager-home", "manager1", "/manager/", "Рабочий стол", "the manager's day"),
    TourPage("manager-desk", "manager1", "/manager/orders/", "Заказы", "the order desk"),
    TourPage(
        "manager-board", "manager1", "/manager/board/?kind=product", "Доска", "orders by stage"
    ),
    TourPage(
        "manager-order",
        "manager1",
        "/manager/orders/{manager_order}/",
        "Заказ {manager_order_number}",
        "an order with its quote builder",
    ),
    TourPage(
        "manager-search",
        "manager1",
        "/manager/search/?q=Ромашка",
        "Поиск",
        "one search box for orders, customers and tickets",
    ),
    TourPage("admin-home", "admin", "/admin-portal/", "Администрирование", "the admin portal"),
    TourPage(
        "admin-workflows",
        "admin",
        "/admin-portal/workflows/",
        "Процессы",
        "workflows per order kind",
    ),
]


def demo_order_targets() -> dict:
    """The demo orders the tour opens: a quote waiting for client1's answer (any of their
    orders if none waits), and the first order being quoted for the manager. Needs the
    database with the demo data."""
    from customers.models import Contact
    from orders.models import Order

    customer_id = Contact.objects.get(user__username="client1").customer_id
    theirs = Order.objects.filter(customer_id=customer_id).order_by("id")
    client_order = theirs.filter(state="quote").first() or theirs.first()
    manager_order = Order.objects.filter(state="quote").order_by("id").first()
    return {
        "client_order": client_order.pk,
        "client_order_number": client_order.number,
        "manager_order": manager_order.pk,
        "manager_order_number": manager_order.number,
    }


def log_in(page, base_url: str, username: str, password: str) -> None:
    """Log in through the login form, as a person would (the demo speaks Russian)."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_load_state("networkidle")
