"""A deal as it really goes, in the browser: a phone order for a new company, quote v1, a
revised v2 with another price and an extra line (the client's stale v1 refused), the
contract, then more volume: the order amended to v3, which the client accepts. The lines
add up to the total on the manager's page, the client's page and the quote's PDF."""

import subprocess
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from billing.models import CompanyProfile
from orders.lifecycle import State
from orders.models import Order, Quote
from tests.e2e.test_client_orders import _log_in
from tests.e2e.test_manager_phone_order import phone_order_for_a_new_company
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("role_groups"),
]


def _rub(amount: Decimal) -> str:
    """As the pages print money: 113 600,00 (no-break spaces between thousands)."""
    whole, cents = f"{amount:,.2f}".split(".")
    return f"{whole.replace(',', chr(160))},{cents}"


def _take(page, transition):
    page.get_by_test_id(f"transition-{transition}").click()
    expect(page.locator(".alert-success, .alert-info").first).to_be_visible()


def _send(page):
    page.get_by_test_id("quote-send").click()
    expect(page.locator(".alert-success")).to_contain_text("отправлено клиенту")


def _lines_add_up(order: Order) -> Decimal:
    order.refresh_from_db()
    lines = sum(order.lines.values_list("line_total", flat=True), Decimal("0"))
    assert lines == order.total
    assert (order.delivery_cost, order.service_cost) == (0, 0)
    return order.total


def _pdf_text(page, url, tmp_path) -> str:
    response = page.request.get(url)
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    path = tmp_path / "quote.pdf"
    path.write_bytes(response.body())
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def test_quote_versions_and_an_amendment_in_one_deal(browser, live_server, tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    CompanyProfile.objects.create(
        name="ООО «Мебельная фабрика»",
        inn="7707083893",
        kpp="773601001",
        address="г. Москва, ул. Лесная, д. 1",
        bank_name="ПАО Сбербанк",
        bik="044525225",
        bank_account="40702810938000000001",
        correspondent_account="30101810400000000225",
        director="Иванов И. И.",
    )
    manager_page = browser.new_context(locale="ru-RU").new_page()
    client_page = browser.new_context(locale="ru-RU").new_page()
    for page in (manager_page, client_page):
        page.set_default_timeout(15000)

    # (1) The phone order: two sofas, 80,000; the client's login is made for the contact.
    order = phone_order_for_a_new_company(manager_page, live_server)
    contact = order.customer.contacts.get()
    contact.user = UserFactory(username="irina", role="client")
    contact.save()

    # (2) Quote v1 as it stands.
    _take(manager_page, "start_quote")
    _send(manager_page)
    assert _lines_add_up(order) == Decimal("80000.00")

    # The client opens v1 ...
    _log_in(client_page, live_server, "irina")
    client_page.goto(f"{live_server.url}/client/orders/{order.pk}/")
    expect(client_page.get_by_test_id("current-quote")).to_contain_text("версия 1")

    # (3) ... while the manager revises it: v2 with another price and a delivery line.
    manager_page.get_by_test_id("quote-revise").click()
    manager_page.get_by_test_id("confirm-yes").click()
    expect(manager_page.get_by_test_id("quote-builder")).to_contain_text("версия 2")
    manager_page.locator('[name="qline-0-unit_price"]').fill("38000")
    manager_page.locator('[name="qline-0-discount_percent"]').fill("0")
    manager_page.get_by_text("Добавить строки").click()
    manager_page.locator('[name="qfree-0-name"]').fill("Доставка и подъём")
    manager_page.locator('[name="qfree-0-unit_price"]').fill("3600")
    _send(manager_page)
    assert _lines_add_up(order) == Decimal("79600.00")

    # The client's page still shows v1: accepting it is refused, v2 is what they see now.
    client_page.get_by_test_id("accept-quote").click()
    expect(client_page.locator(".alert-danger")).to_contain_text("Версия 1 заменена")
    assert Quote.objects.get(order=order, version=1).status == Quote.Status.SUPERSEDED
    current = client_page.get_by_test_id("current-quote")
    expect(current).to_contain_text("версия 2")
    expect(current.get_by_test_id("quote-changes")).to_contain_text("Доставка и подъём")
    expect(client_page.get_by_test_id("order-total")).to_contain_text(_rub(Decimal("79600")))
    client_page.get_by_test_id("accept-quote").click()
    expect(client_page.locator(".alert-success")).to_be_visible()

    # (4) The contract is signed; then the client wants a third sofa: the order is amended.
    manager_page.reload()
    _take(manager_page, "prepare_contract")
    manager_page.get_by_test_id("contract-submit").click()
    expect(manager_page.get_by_test_id("contract-signed-on")).to_be_visible()
    manager_page.locator('[name="note"]').fill("Третий диван")
    manager_page.get_by_test_id("order-amend").click()
    manager_page.get_by_test_id("confirm-yes").click()
    expect(manager_page.get_by_test_id("order-state")).to_have_text("КП")
    expect(manager_page.get_by_test_id("quote-builder")).to_contain_text("версия 3")
    manager_page.locator('[name="qline-0-quantity"]').fill("3")
    _send(manager_page)
    total = _lines_add_up(order)
    assert total == Decimal("117600.00")

    # The client accepts v3; every page and the PDF agree on the lines and the total.
    client_page.reload()
    expect(client_page.get_by_test_id("current-quote")).to_contain_text("версия 3")
    client_page.get_by_test_id("accept-quote").click()
    expect(client_page.locator(".alert-success")).to_be_visible()
    order.refresh_from_db()
    assert order.state == State.QUOTE
    assert Quote.objects.get(order=order, version=3).status == Quote.Status.ACCEPTED
    assert order.contract_signed_at is None  # signed again for the new terms
    manager_page.reload()
    for page in (manager_page, client_page):
        expect(page.locator("body")).to_contain_text(_rub(total))
        expect(page.locator("body")).to_contain_text(_rub(Decimal("114000")))  # 3 × 38,000
    link = (
        client_page.get_by_test_id("documents").get_by_role("listitem").filter(has_text="версия 3")
    )
    pdf = _pdf_text(
        client_page, live_server.url + link.get_by_role("link").get_attribute("href"), tmp_path
    )
    for amount in ("114 000,00", "3 600,00", "117 600,00"):
        assert amount in pdf.replace("\xa0", " ")
