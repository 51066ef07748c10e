"""A resolved support request that did not help: the client says so in the thread and reopens
it from their own page; the manager's desk and ticket page show it open again, with the
reopen and who did it in the history and the client's message in the thread."""

import pytest
from playwright.sync_api import expect

from orders.actions import OrderAction
from orders.lifecycle import OrderKind, State
from orders.models import Order
from tests.e2e.test_client_orders import _log_in
from tests.factories import ContactFactory, UserFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("role_groups"),
]

REPLY = "Перезагрузите терминал и напишите нам"
STILL_BROKEN = "Не помогло: после перезагрузки экран снова чёрный"


def test_the_client_reopens_a_resolved_ticket_and_the_manager_sees_it_open(browser, live_server):
    UserFactory(username="anna", role="manager", first_name="Анна", last_name="Петрова")
    contact = ContactFactory(
        user__username="boris",
        user__first_name="Борис",
        user__last_name="Иванов",
        customer__name="ООО «Вектор»",
    )
    contexts = [browser.new_context(locale="ru-RU") for _ in range(2)]
    client_page, manager_page = (context.new_page() for context in contexts)
    try:
        for page in (client_page, manager_page):
            page.set_default_timeout(15000)

        # The client opens the request.
        _log_in(client_page, live_server, "boris")
        client_page.goto(f"{live_server.url}/client/support/new/")
        client_page.locator("[name=subject]").fill("Терминал не включается")
        client_page.locator("[name=description]").fill("После обновления экран чёрный")
        client_page.get_by_test_id("ticket-form").locator("[type=submit]").click()
        expect(client_page.get_by_test_id("order-state")).to_have_text("Новое")
        ticket = Order.objects.get(kind=OrderKind.SUPPORT)
        assert ticket.customer_id == contact.customer_id

        # The manager answers, takes it and resolves it.
        _log_in(manager_page, live_server, "anna")
        manager_page.goto(f"{live_server.url}/manager/orders/{ticket.pk}/")
        manager_page.get_by_test_id("chat-body").fill(REPLY)
        manager_page.get_by_test_id("chat-send").click()
        expect(manager_page.get_by_test_id("chat-messages")).to_contain_text(REPLY)
        manager_page.get_by_test_id("transition-take_ticket").click()
        manager_page.get_by_test_id("transition-resolve").click()
        expect(manager_page.get_by_test_id("order-state")).to_have_text("Решено")

        # The client reads the answer, says it did not help, and reopens from their page.
        client_page.reload()
        expect(client_page.get_by_test_id("order-state")).to_have_text("Решено")
        expect(client_page.get_by_test_id("chat-messages")).to_contain_text(REPLY)
        client_page.get_by_test_id("chat-body").fill(STILL_BROKEN)
        client_page.get_by_test_id("chat-send").click()
        expect(client_page.get_by_test_id("chat-messages")).to_contain_text(STILL_BROKEN)
        reopen = client_page.get_by_test_id("transition-reopen")
        expect(reopen).to_have_text("Открыть повторно")
        reopen.click()
        expect(client_page.locator(".alert-success")).to_have_text(
            "Готово: обращение теперь в статусе «В работе»."
        )
        expect(client_page.get_by_test_id("order-state")).to_have_text("В работе")
        expect(client_page.get_by_test_id("transition-reopen")).to_have_count(0)
        client_reopen = client_page.locator('[data-testid="timeline-entry"][data-action="reopen"]')
        expect(client_reopen).to_contain_text("Обращение открыто повторно")
        expect(client_reopen).to_contain_text("Решено → В работе")

        # The manager's desk lists it open again; its page shows who reopened it and why.
        manager_page.goto(f"{live_server.url}/manager/support/?state=in_progress")
        row = manager_page.locator(f'[data-ticket="{ticket.pk}"]')
        expect(row).to_contain_text("В работе")
        expect(row).to_contain_text("Терминал не включается")
        row.get_by_role("link", name=ticket.number).click()
        expect(manager_page.get_by_test_id("order-state")).to_have_text("В работе")
        expect(manager_page.get_by_test_id("transition-resolve")).to_be_visible()
        manager_reopen = manager_page.get_by_test_id("timeline").locator('[data-action="reopen"]')
        expect(manager_reopen).to_have_count(1)
        expect(manager_reopen).to_contain_text("Обращение открыто повторно")
        expect(manager_reopen).to_contain_text("Борис Иванов")
        expect(manager_page.get_by_test_id("chat-messages")).to_contain_text(STILL_BROKEN)

        ticket.refresh_from_db()
        assert ticket.state == State.IN_PROGRESS
        assert list(ticket.events.values_list("action", "actor__username").order_by("id"))[-3:] == [
            (OrderAction.TAKE_TICKET, "anna"),
            (OrderAction.RESOLVE, "anna"),
            (OrderAction.REOPEN, "boris"),
        ]
    finally:
        for context in contexts:
            context.close()
