"""A manager takes a new request through every stage to closed, in the browser; the client
accepts the quote in their own portal in between."""

from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from orders.lifecycle import OrderKind, State
from orders.models import Order, Payment
from orders.services import LineInput, order_create
from tests.catalog.factories import ItemFactory
from tests.e2e.test_client_orders import _log_in
from tests.factories import ContactFactory, UserFactory
from tests.orders.factories import WorkflowFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("role_groups"),
]

STEPS = [
    "start_quote",
    "quote_priced",
    "quote_sent",
    "quote_accepted",
    "prepare_contract",
    "contract_signed",
    "request_payment",
    "payment_recorded",
    "start_production",
    "ship",
    "delivery_updated",
    "close",
]


def _take(page, transition):
    page.get_by_test_id(f"transition-{transition}").click()
    expect(page.locator(".alert-success, .alert-info").first).to_be_visible()


def test_a_manager_moves_a_new_request_to_closed(browser, live_server):
    manager = UserFactory(username="anna", role="manager", first_name="Анна", last_name="Петрова")
    contact = ContactFactory(user__username="boris", customer__name="ООО «Вектор»")
    sofa = ItemFactory(name="Диван", price=Decimal("40000.00"))
    WorkflowFactory(
        kind=OrderKind.PRODUCT, category=sofa.category, uses_quote=True, uses_contract=True
    )
    order = order_create(
        customer=contact.customer,
        kind=OrderKind.PRODUCT,
        channel=Order.Channel.PORTAL,
        by=contact.user,
        lines=[LineInput(item=sofa, quantity=1)],
    )
    manager_page = browser.new_context(locale="ru-RU").new_page()
    client_page = browser.new_context(locale="ru-RU").new_page()
    for page in (manager_page, client_page):
        page.set_default_timeout(15000)

    # The manager opens the new request from the desk and quotes it with delivery.
    _log_in(manager_page, live_server, "anna")
    manager_page.goto(f"{live_server.url}/manager/orders/?view=new")
    manager_page.get_by_role("link", name=order.number).click()
    _take(manager_page, "start_quote")
    # Delivery is a line of its own, added in the builder's second part.
    manager_page.get_by_text("Добавить строки").click()
    manager_page.locator('[name="qfree-0-name"]').fill("Доставка")
    manager_page.locator('[name="qfree-0-unit_price"]').fill("2000")
    manager_page.get_by_test_id("quote-send").click()
    expect(manager_page.locator(".alert-success")).to_be_visible()

    # The client accepts it in their portal.
    _log_in(client_page, live_server, "boris")
    client_page.goto(f"{live_server.url}/client/orders/{order.pk}/")
    client_page.get_by_test_id("accept-quote").click()
    expect(client_page.locator(".alert-success")).to_be_visible()

    # Contract, payment, production, delivery, closed.
    manager_page.reload()
    _take(manager_page, "prepare_contract")
    manager_page.get_by_test_id("contract-submit").click()
    expect(manager_page.locator(".alert-success")).to_be_visible()
    _take(manager_page, "request_payment")
    manager_page.get_by_test_id("payment-open").click()
    manager_page.locator('[name="payment-amount"]').fill("42000.00")
    manager_page.locator('[name="payment-reference"]').fill("п/п 17")
    manager_page.get_by_test_id("payment-submit").click()
    expect(manager_page.get_by_test_id("order-state")).to_have_text("Производство / комплектация")
    _take(manager_page, "ship")
    manager_page.locator('[name="carrier"]').fill("СДЭК")
    manager_page.locator('[name="tracking_number"]').fill("1098765432")
    manager_page.locator('[name="status"]').select_option("handed_to_client")
    manager_page.get_by_test_id("delivery-save").click()
    expect(manager_page.locator(".alert-success")).to_be_visible()
    _take(manager_page, "close")

    expect(manager_page.get_by_test_id("order-state")).to_have_text("Закрыт")
    timeline = manager_page.get_by_test_id("timeline")
    for action in STEPS:
        entry = timeline.locator(f'[data-action="{action}"]')
        expect(entry).to_have_count(1)
        # Who and when: the client accepted, the system moved it on payment, the rest is Anna.
        if action == "quote_accepted":
            expect(entry).to_contain_text(str(contact.user))
        elif action != "start_production":
            expect(entry).to_contain_text(str(manager))
        expect(entry).to_contain_text(timezone.localtime(order.created_at).strftime("%d.%m.%Y"))
    order.refresh_from_db()
    assert order.state == State.CLOSED
    assert (order.carrier, order.tracking_number) == ("СДЭК", "1098765432")
    assert Payment.objects.get(order=order).amount == Decimal("42000.00")


def test_two_managers_on_one_order_the_second_gets_the_conflict_message(browser, live_server):
    UserFactory(username="anna", role="manager")
    UserFactory(username="oleg", role="manager")
    contact = ContactFactory()
    order = order_create(
        customer=contact.customer,
        kind=OrderKind.PRODUCT,
        channel=Order.Channel.PORTAL,
        by=contact.user,
        lines=[LineInput(item=ItemFactory(price=Decimal("100.00")), quantity=1)],
    )
    pages = []
    for username in ("anna", "oleg"):
        page = browser.new_context(locale="ru-RU").new_page()
        page.set_default_timeout(15000)
        _log_in(page, live_server, username)
        page.goto(f"{live_server.url}/manager/orders/{order.pk}/")
        pages.append(page)
    first, second = pages

    first.get_by_test_id("transition-start_quote").click()
    expect(first.get_by_test_id("order-state")).to_have_text("КП")
    second.get_by_test_id("transition-start_quote").click()

    expect(second.locator(".alert-danger")).to_contain_text("Заказ уже изменил другой пользователь")
    expect(second.get_by_test_id("order-state")).to_have_text("КП")
    assert list(order.events.values_list("action", flat=True)) == ["created", "start_quote"]
