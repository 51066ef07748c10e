"""Shipping as it happens, in the browser: the manager ships with a carrier and a tracking
number (refused first without them), a courier walks the sub-statuses from "My deliveries",
and after each step the client's order page and in-app inbox show it with the tracking link."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from playwright.sync_api import expect

from notifications.dispatch import delivery_attempt, outbox_message_dispatch
from notifications.models import OutboxMessage
from orders.lifecycle import OrderKind, State
from orders.models import Order
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

LINK = "https://www.cdek.ru/ru/tracking?order_id=1098765432"


@pytest.fixture
def shipping_defaults(transactional_db):
    """Transactional tests flush the tables: the seeded carriers and rules come back."""
    importlib.import_module("orders.migrations.0025_default_carriers").add_carriers(apps, None)
    rules = importlib.import_module("notifications.migrations.0010_default_shipping_rules")
    rules.add_rules(apps, None)


def _deliver_outbox():
    """What the worker would do after each commit: dispatch and send what is pending."""
    for message in OutboxMessage.objects.filter(status="pending").order_by("id"):
        for delivery_id in outbox_message_dispatch(message.pk):
            delivery_attempt(delivery_id)


def _client_sees(client_page, live_server, order, status: str, title: str):
    _deliver_outbox()
    client_page.goto(f"{live_server.url}/client/orders/{order.pk}/")
    expect(client_page.get_by_test_id("delivery-status")).to_have_text(status)
    expect(client_page.get_by_test_id("tracking-link")).to_have_attribute("href", LINK)
    client_page.goto(f"{live_server.url}/notifications/")
    latest = client_page.locator(".list-group-item").filter(has_text=title).first
    expect(latest).to_contain_text("1098765432")
    expect(latest).to_contain_text(LINK)


@pytest.mark.usefixtures("shipping_defaults")
def test_a_shipment_walks_its_sub_statuses_and_the_client_sees_each(browser, live_server):
    UserFactory(username="anna", role="manager")
    UserFactory(username="kolya", role="courier")
    contact = ContactFactory(user__username="boris", customer__name="ООО «Вектор»")
    chair = ItemFactory(name="Кресло", price=Decimal("9000.00"))
    WorkflowFactory(kind=OrderKind.PRODUCT, category=chair.category, ships_by_carrier=True)
    order = order_create(
        customer=contact.customer,
        contact=contact,
        kind=OrderKind.PRODUCT,
        channel=Order.Channel.PORTAL,
        by=contact.user,
        lines=[LineInput(item=chair, quantity=1)],
    )
    # The stages before production are another test's journey.
    Order.objects.filter(pk=order.pk).update(state=State.PRODUCTION)
    _deliver_outbox()
    pages = {}
    for username in ("anna", "kolya", "boris"):
        pages[username] = browser.new_context(locale="ru-RU").new_page()
        pages[username].set_default_timeout(15000)
        _log_in(pages[username], live_server, username)
    manager, courier, client = pages["anna"], pages["kolya"], pages["boris"]

    # Shipping without carrier and tracking number is refused on the form.
    manager.goto(f"{live_server.url}/manager/orders/{order.pk}/")
    manager.get_by_test_id("transition-ship").click()
    expect(manager.get_by_test_id("ship-error-carrier")).to_be_visible()
    expect(manager.get_by_test_id("ship-error-tracking_number")).to_be_visible()
    expect(manager.get_by_test_id("order-state")).to_have_text("Производство / комплектация")

    # With them it ships.
    manager.get_by_test_id("ship-carrier").select_option(label="СДЭК")
    manager.get_by_test_id("ship-tracking_number").fill("1098765432")
    manager.get_by_test_id("transition-ship").click()
    expect(manager.get_by_test_id("order-state")).to_have_text("Поставка")
    expect(manager.get_by_test_id("tracking-link").first).to_have_attribute("href", LINK)
    _client_sees(client, live_server, order, "Передан перевозчику", "отгружен")

    # The courier walks the sub-statuses from "My deliveries", one click each.
    for status, label, title in [
        ("in_transit", "В пути", "в пути"),
        ("with_courier", "У курьера", "у курьера"),
        ("at_pickup_point", "В пункте выдачи", "в пункте выдачи"),
        ("handed_to_client", "Вручён клиенту", "доставлен"),
    ]:
        courier.goto(f"{live_server.url}/manager/deliveries/")
        row = courier.get_by_test_id(f"delivery-{order.number}")
        row.get_by_test_id(f"set-{status}").click()
        expect(courier.locator(".alert-success")).to_be_visible()
        _client_sees(client, live_server, order, label, title)

    # Handed to the client, the order leaves the courier's list.
    courier.goto(f"{live_server.url}/manager/deliveries/")
    expect(courier.get_by_test_id("deliveries-empty")).to_be_visible()
    for page in pages.values():
        page.context.close()
