"""Accessibility: axe-core (vendored, tests/e2e/vendor/) finds no serious or critical problem on
the pages each role starts from, on the demo data; and a manager can run an order's actions,
confirmation included, from the keyboard alone."""

from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD
from orders.lifecycle import OrderKind, State
from orders.models import Order, Workflow
from orders.services import LineInput, order_create
from tests.catalog.factories import ItemFactory
from tests.e2e.screenshot_pages import log_in
from tests.factories import TEST_PASSWORD, ContactFactory, UserFactory
from tests.orders.factories import WorkflowFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.pages_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("role_groups"),
]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
# Every rule axe runs by default (WCAG 2.0-2.2 A and AA and best practices); none is excluded.
AXE_RUN = "axe.run(document, {resultTypes: ['violations']})"
BLOCKING = {"serious", "critical"}

# A demo login and the paths it starts from; {client_order} and {manager_order} are demo orders.
PAGES_BY_LOGIN = {
    "client1": [
        "/client/",
        "/client/orders/",
        "/client/orders/{client_order}/",
        "/client/catalog/",
        "/client/cart/",
        "/client/support/",
    ],
    "manager1": [
        "/manager/",
        "/manager/orders/",
        "/manager/orders/{manager_order}/",
        "/manager/board/?kind=product",
        "/manager/search/?q=Ромашка",
        "/manager/customers/",
        "/manager/tasks/",
    ],
    "admin": [
        "/admin-portal/",
        "/admin-portal/users/",
        "/admin-portal/workflows/",
        "/admin-portal/workflows/{first_workflow}/",
        "/admin-portal/notifications/",
        "/admin-portal/api-keys/",
    ],
    "director": ["/manager/", "/manager/reports/"],
    "warehouse": ["/manager/", "/manager/production/"],
    "courier": ["/manager/", "/manager/deliveries/"],
}


def _violations(page) -> list[str]:
    # The Content-Security-Policy refuses inline scripts, and add_script_tag inserts one: the
    # test's browser context bypasses the policy (test_csp.py checks the policy itself).
    page.add_script_tag(path=AXE)
    found = page.evaluate(AXE_RUN)["violations"]
    return [
        f"{page.url} [{violation['impact']}] {violation['id']}: {violation['help']} "
        f"{[node['target'] for node in violation['nodes']]}"
        for violation in found
        if violation["impact"] in BLOCKING
    ]


def test_the_login_page_has_no_serious_accessibility_problem(browser, live_server):
    context = browser.new_context(locale="ru-RU", bypass_csp=True)
    page = context.new_page()

    page.goto(f"{live_server.url}/accounts/login/")

    found = _violations(page)

    assert not found, "\n".join(found)
    context.close()


@pytest.mark.parametrize("login", list(PAGES_BY_LOGIN))
def test_the_pages_of_each_role_have_no_serious_accessibility_problem(
    browser, live_server, demo_data, login
):
    targets = {**demo_data, "first_workflow": Workflow.objects.order_by("id")[0].pk}
    context = browser.new_context(locale="ru-RU", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    log_in(page, live_server.url, login, DEMO_PASSWORD)
    found = []

    for path in PAGES_BY_LOGIN[login]:
        response = page.goto(live_server.url + path.format(**targets))
        page.wait_for_load_state("networkidle")
        assert response.status == 200, path
        found += _violations(page)

    assert not found, "\n".join(found)
    context.close()


# Keyboard use of the order page ------------------------------------------------------------

FOCUSED_TEST_ID = "document.activeElement && document.activeElement.dataset.testid"


def _tab_to(page, selector: str, *, limit: int = 80) -> None:
    """Press Tab until the element matching selector has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return
    pytest.fail(f"Tab never reached {selector}")


def _outline(page) -> tuple[str, float]:
    return page.evaluate(
        """() => {
            const style = getComputedStyle(document.activeElement);
            return [style.outlineStyle, parseFloat(style.outlineWidth)];
        }"""
    )


@pytest.fixture
def order_for_keyboard(role_groups):
    UserFactory(username="anna", role="manager")
    contact = ContactFactory(customer__name="ООО «Вектор»")
    sofa = ItemFactory(name="Диван", price=Decimal("40000.00"))
    WorkflowFactory(kind=OrderKind.PRODUCT, category=sofa.category, uses_quote=True)
    return order_create(
        customer=contact.customer,
        kind=OrderKind.PRODUCT,
        channel=Order.Channel.PORTAL,
        by=contact.user,
        lines=[LineInput(item=sofa, quantity=1)],
    )


def test_a_manager_takes_an_order_action_with_tab_and_enter(page, live_server, order_for_keyboard):
    order = order_for_keyboard
    log_in(page, live_server.url, "anna", TEST_PASSWORD)
    page.goto(f"{live_server.url}/manager/orders/{order.pk}/")

    _tab_to(page, '[data-testid="transition-start_quote"]')
    style, width = _outline(page)
    page.keyboard.press("Enter")

    assert (style, width >= 2) == ("solid", True)
    expect(page.locator(".alert-success, .alert-info").first).to_be_visible()
    assert Order.objects.get(pk=order.pk).state == State.QUOTE


def test_a_manager_cancels_from_the_keyboard_through_the_confirmation_dialog(
    page, live_server, order_for_keyboard
):
    order = order_for_keyboard
    log_in(page, live_server.url, "anna", TEST_PASSWORD)
    page.goto(f"{live_server.url}/manager/orders/{order.pk}/")
    dialog = page.get_by_test_id("confirm-dialog")

    # Space on the button asks first; the dialog takes the focus, safe answer first.
    _tab_to(page, '[name="reason"]')
    page.keyboard.type("Клиент передумал")
    page.keyboard.press("Tab")
    cancel_button = page.evaluate("document.activeElement.textContent.trim()")
    page.keyboard.press("Space")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Вы уверены?")
    assert page.evaluate(FOCUSED_TEST_ID) == "confirm-no"

    # Tab goes round the dialog's two buttons and never back to the page.
    focus_path = []
    for key in ("Tab", "Tab", "Shift+Tab", "Shift+Tab"):
        page.keyboard.press(key)
        focus_path.append(page.evaluate(FOCUSED_TEST_ID))
    assert focus_path == ["confirm-yes", "confirm-no", "confirm-yes", "confirm-no"]

    # Escape says no: nothing is sent and the focus is back on the button that asked.
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert page.evaluate("document.activeElement.textContent.trim()") == cancel_button
    assert Order.objects.get(pk=order.pk).state == State.REQUEST

    # Enter asks again; Tab to "yes" and Enter cancels the order.
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    asked_again_on = page.evaluate(FOCUSED_TEST_ID)
    page.keyboard.press("Tab")
    style, width = _outline(page)
    answered_with = page.evaluate(FOCUSED_TEST_ID)
    assert (asked_again_on, answered_with) == ("confirm-no", "confirm-yes")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page.get_by_test_id("order-state")).to_have_text("Отменён")
    assert Order.objects.get(pk=order.pk).state == State.CANCELLED
    assert (cancel_button, style, width >= 2) == ("Отменить", "solid", True)
