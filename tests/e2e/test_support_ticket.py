"""A support request end to end: the client opens it and sends a file, the manager writes an
internal note and a public reply, the client sees the reply and never the note, the manager
resolves it; neither page shows items or money."""

import pytest
from playwright.sync_api import expect

from conversations.models import OrderMessage
from orders.lifecycle import OrderKind, State
from orders.models import Order
from tests.e2e.test_client_orders import _log_in
from tests.factories import ContactFactory, UserFactory
from tests.orders.factories import OrderFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("role_groups"),
]

NOTE = "Внутреннее: проверить партию терминалов"
REPLY = "Перезагрузите терминал и напишите нам"
MONEY_PANELS = ("money", "payment", "order-total", "delivery", "current-quote")


def _no_money_or_items(page):
    for test_id in MONEY_PANELS:
        expect(page.get_by_test_id(test_id)).to_have_count(0)
    expect(page.get_by_text("Позиций нет")).to_have_count(0)


def test_a_ticket_from_opening_to_resolved(browser, live_server, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    manager = UserFactory(username="anna", role="manager", first_name="Анна", last_name="Петрова")
    contact = ContactFactory(user__username="boris", customer__manager=manager)
    related = OrderFactory(customer=contact.customer, contact=contact, number="R-000321")
    contexts = [browser.new_context(locale="ru-RU") for _ in range(2)]
    client_page, manager_page = (context.new_page() for context in contexts)
    try:
        for page in (client_page, manager_page):
            page.set_default_timeout(15000)

        _log_in(client_page, live_server, "boris")
        client_page.goto(f"{live_server.url}/client/support/new/")
        client_page.locator("[name=subject]").fill("Терминал не включается")
        client_page.locator("[name=description]").fill("После обновления экран чёрный")
        client_page.locator("[name=related_order]").select_option(str(related.pk))
        client_page.get_by_test_id("ticket-form").locator("[type=submit]").click()
        expect(client_page.get_by_test_id("ticket-subject")).to_have_text("Терминал не включается")
        ticket = Order.objects.get(kind=OrderKind.SUPPORT)
        expect(client_page.get_by_test_id("ticket-related-order")).to_have_text("R-000321")
        _no_money_or_items(client_page)
        client_page.get_by_test_id("chat-body").fill("Фото экрана")
        client_page.get_by_test_id("chat-attachment-input").set_input_files(
            {"name": "screen.png", "mimeType": "image/png", "buffer": b"\x89PNG fake"}
        )
        client_page.get_by_test_id("chat-send").click()
        expect(client_page.get_by_test_id("chat-attachment")).to_have_text("📎 screen.png")

        _log_in(manager_page, live_server, "anna")
        manager_page.goto(f"{live_server.url}/manager/orders/{ticket.pk}/")
        expect(manager_page.get_by_test_id("ticket-subject")).to_have_text("Терминал не включается")
        expect(manager_page.get_by_test_id("ticket-description")).to_contain_text(
            "После обновления экран чёрный"
        )
        _no_money_or_items(manager_page)
        expect(manager_page.get_by_test_id("ticket-attachment")).to_contain_text("screen.png")
        manager_chat = manager_page.get_by_test_id("chat-messages")
        manager_page.get_by_test_id("chat-body").fill(NOTE)
        manager_page.get_by_test_id("chat-internal").check()
        manager_page.get_by_test_id("chat-send").click()
        expect(manager_chat.locator("[data-internal=true]")).to_contain_text(NOTE)
        manager_page.get_by_test_id("chat-body").fill(REPLY)
        expect(manager_page.get_by_test_id("chat-internal")).not_to_be_checked()
        manager_page.get_by_test_id("chat-send").click()
        expect(manager_chat).to_contain_text(REPLY)
        assert list(OrderMessage.objects.values_list("body", "is_internal").order_by("id")) == [
            ("Фото экрана", False),
            (NOTE, True),
            (REPLY, False),
        ]

        client_page.reload()
        client_chat = client_page.get_by_test_id("chat-messages")
        expect(client_chat).to_contain_text(REPLY)
        expect(client_page.get_by_text(NOTE)).to_have_count(0)
        expect(client_chat.locator("[data-internal]")).to_have_count(0)

        manager_page.get_by_test_id("transition-take_ticket").click()
        expect(manager_page.get_by_test_id("transition-resolve")).to_be_visible()
        manager_page.get_by_test_id("transition-resolve").click()
        expect(manager_page.get_by_test_id("transition-resolve")).to_have_count(0)
        assert Order.objects.get(pk=ticket.pk).state == State.RESOLVED
        _no_money_or_items(manager_page)

        client_page.reload()
        expect(client_page.get_by_test_id("order-state")).to_have_text("Решено")
        expect(client_page.get_by_text(NOTE)).to_have_count(0)
        _no_money_or_items(client_page)
    finally:
        for context in contexts:
            context.close()
