"""A client and a manager chat on an order, each with the order page open: new messages
arrive by polling, without reloading the page."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from conversations.models import OrderMessage
from orders.lifecycle import OrderKind
from orders.models import Order
from orders.services import LineInput, order_create
from tests.catalog.factories import ItemFactory
from tests.e2e.test_client_orders import _log_in
from tests.factories import ContactFactory, UserFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("role_groups"),
]

# The page polls every 10 s; allow one full interval and the request on top.
POLL_WAIT_MS = 25000


def _mark_loaded(page):
    """A flag that a reload would wipe, to prove a message came without one."""
    page.evaluate("window.loadedOnce = true")


def _still_the_same_page(page) -> bool:
    return page.evaluate("window.loadedOnce === true")


def test_client_and_manager_see_each_others_messages_without_reloading(browser, live_server):
    manager = UserFactory(username="anna", role="manager", first_name="Анна", last_name="Петрова")
    contact = ContactFactory(
        user__username="boris", user__first_name="Борис", customer__manager=manager
    )
    order = order_create(
        customer=contact.customer,
        contact=contact,
        kind=OrderKind.PRODUCT,
        channel=Order.Channel.PORTAL,
        by=contact.user,
        lines=[LineInput(item=ItemFactory(price=Decimal("100.00")), quantity=1)],
    )
    contexts = [browser.new_context(locale="ru-RU") for _ in range(2)]
    manager_page, client_page = (context.new_page() for context in contexts)
    try:
        for page in (manager_page, client_page):
            page.set_default_timeout(15000)

        # The manager has the order open before the client writes.
        _log_in(manager_page, live_server, "anna")
        manager_page.goto(f"{live_server.url}/manager/orders/{order.pk}/")
        expect(manager_page.get_by_test_id("chat-form")).to_be_visible()
        _mark_loaded(manager_page)

        _log_in(client_page, live_server, "boris")
        client_page.goto(f"{live_server.url}/client/orders/{order.pk}/")
        client_page.get_by_test_id("chat-body").fill("Можно доставить в субботу?")
        client_page.get_by_test_id("chat-send").click()
        client_chat = client_page.get_by_test_id("chat-messages")
        expect(client_chat).to_contain_text("Можно доставить в субботу?")
        expect(client_page.get_by_test_id("chat-body")).to_have_value("")
        _mark_loaded(client_page)

        manager_chat = manager_page.get_by_test_id("chat-messages")
        expect(manager_chat).to_contain_text("Можно доставить в субботу?", timeout=POLL_WAIT_MS)
        expect(manager_chat).to_contain_text(str(contact.user))
        assert _still_the_same_page(manager_page)

        manager_page.get_by_test_id("chat-body").fill("Да, привезём в субботу до обеда.")
        manager_page.get_by_test_id("chat-send").click()
        expect(manager_chat).to_contain_text("Да, привезём в субботу до обеда.")

        expect(client_chat).to_contain_text(
            "Да, привезём в субботу до обеда.", timeout=POLL_WAIT_MS
        )
        expect(client_chat).to_contain_text("Анна Петрова")
        assert _still_the_same_page(client_page)
        # Each message shows once on each side, however many polls ran meanwhile.
        for chat in (client_chat, manager_chat):
            expect(chat.get_by_test_id("chat-message")).to_have_count(2)
    finally:
        for context in contexts:
            context.close()

    assert list(OrderMessage.objects.order_by("id").values_list("author__username", flat=True)) == [
        "boris",
        "anna",
    ]
