"""A service order with a date and a place, end to end: the manager takes it by phone with the
day and the address, takes it through payment to closed and schedules the service; beat's
reminder sweep, its clock moved to the day before, reminds the client once (email and the
in-app list, both saying when and where) and the history says so in Russian; the manager
completes the service and no second reminder follows."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from orders.actions import OrderAction
from orders.lifecycle import OrderKind, State
from orders.models import Order
from orders.services import reminders_sweep
from tests.catalog.factories import ItemFactory
from tests.e2e.test_client_orders import _log_in
from tests.e2e.test_shipping_journey import _deliver_outbox
from tests.factories import ContactFactory, UserFactory
from tests.orders.factories import WorkflowFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("role_groups"),
]

PLACE = "Москва, ул. Ленина, 5, офис 12"


def _take(page, transition, state):
    page.get_by_test_id(f"transition-{transition}").click()
    expect(page.get_by_test_id("order-state")).to_have_text(state)


def _sweep_on(day) -> dict:
    """The reminder sweep as beat would run it at noon of `day`."""
    return reminders_sweep(now=timezone.make_aware(datetime.combine(day, time(12))))


def test_a_service_order_is_scheduled_reminded_once_and_completed(browser, live_server, mailoutbox):
    UserFactory(username="anna", role="manager", first_name="Анна", last_name="Петрова")
    contact = ContactFactory(
        name="Борис Иванов",
        user__username="boris",
        user__email="boris@vector.example.com",
        customer__name="ООО «Вектор»",
    )
    mounting = ItemFactory(name="Монтаж кондиционера", service=True, price=Decimal("15000.00"))
    WorkflowFactory(
        kind=OrderKind.SERVICE,
        category=mounting.category,
        uses_quote=False,
        uses_contract=False,
        uses_delivery=False,
    )
    today = timezone.localdate()
    service_day = today + timedelta(days=10)
    shown_day = service_day.strftime("%d.%m.%Y")
    contexts = [browser.new_context(locale="ru-RU") for _ in range(2)]
    manager_page, client_page = (context.new_page() for context in contexts)
    try:
        for page in (manager_page, client_page):
            page.set_default_timeout(15000)

        # The manager takes the order by phone, with the day and the address.
        _log_in(manager_page, live_server, "anna")
        manager_page.goto(f"{live_server.url}/manager/orders/new/?customer={contact.customer_id}")
        expect(manager_page.get_by_test_id("chosen-customer")).to_contain_text("ООО «Вектор»")
        manager_page.get_by_label("Вид").select_option(label="Заказ услуг")
        manager_page.get_by_label("Контакт").select_option(label="Борис Иванов")
        row = manager_page.get_by_test_id("catalog-row").first
        row.get_by_label("Позиция каталога").select_option(label="Монтаж кондиционера")
        manager_page.get_by_label("Дата сервиса").fill(service_day.isoformat())
        manager_page.get_by_label("Место сервиса").fill(PLACE)
        manager_page.get_by_test_id("order-save").click()
        expect(manager_page.get_by_test_id("order-state")).to_have_text("Заявка (предзаказ)")
        order = Order.objects.get()
        assert (order.kind, order.service_date, order.service_place) == (
            OrderKind.SERVICE,
            service_day,
            PLACE,
        )
        details = manager_page.get_by_test_id("order-details")
        expect(details).to_contain_text(shown_day)
        expect(details).to_contain_text(PLACE)

        # Invoice, payment, closed, then the service is scheduled.
        _take(manager_page, "request_payment", "Оплата")
        manager_page.get_by_test_id("payment-open").click()
        manager_page.locator('[name="payment-amount"]').fill("15000.00")
        manager_page.get_by_test_id("payment-submit").click()
        expect(manager_page.get_by_test_id("order-state")).to_have_text(
            "Производство / комплектация"
        )
        _take(manager_page, "close", "Закрыт")
        _take(manager_page, "schedule_service", "Сервис")

        # The client sees the visit coming, on the home page and the order's page.
        _log_in(client_page, live_server, "boris")
        expect(client_page.get_by_test_id("services")).to_contain_text(
            f"{order.number} · {shown_day} · {PLACE}"
        )
        client_page.goto(f"{live_server.url}/client/orders/{order.pk}/")
        expect(client_page.get_by_test_id("order-state")).to_have_text("Сервис")
        expect(client_page.get_by_test_id("order-details")).to_contain_text(PLACE)

        # Beat's sweep: nothing while the day is far, one reminder the day before, then none.
        _deliver_outbox()
        mailoutbox.clear()
        assert _sweep_on(today)["services"] == 0
        assert _sweep_on(service_day - timedelta(days=1))["services"] == 1
        assert _sweep_on(service_day - timedelta(days=1))["services"] == 0
        _deliver_outbox()
        subject = f"Скоро сервисное обслуживание по заказу {order.number}"
        [email] = [message for message in mailoutbox if message.to == [contact.user.email]]
        assert email.subject == subject
        assert f"Дата сервиса: {shown_day}\n" in email.body
        assert f"Место сервиса: {PLACE}\n" in email.body

        # The client's in-app list says when and where; the history names the reminder.
        client_page.goto(f"{live_server.url}/notifications/")
        reminder = client_page.locator(".list-group-item").filter(has_text=subject)
        expect(reminder).to_have_count(1)
        expect(reminder).to_contain_text(f"Дата сервиса: {shown_day}.")
        expect(reminder).to_contain_text(f"Место сервиса: {PLACE}.")
        client_page.goto(f"{live_server.url}/client/orders/{order.pk}/")
        entry = client_page.locator(
            '[data-testid="timeline-entry"][data-action="service_reminder"]'
        )
        expect(entry).to_contain_text("Отправлено напоминание о сервисе")

        # The manager was reminded too, completes the service, and no reminder follows.
        manager_page.goto(f"{live_server.url}/notifications/")
        expect(manager_page.locator(".list-group-item").filter(has_text=subject)).to_contain_text(
            PLACE
        )
        manager_page.goto(f"{live_server.url}/manager/orders/{order.pk}/")
        manager_entry = manager_page.get_by_test_id("timeline").locator(
            '[data-action="service_reminder"]'
        )
        expect(manager_entry).to_contain_text("Отправлено напоминание о сервисе")
        _take(manager_page, "complete_service", "Закрыт")
        assert _sweep_on(service_day)["services"] == 0
        client_page.reload()
        expect(client_page.get_by_test_id("order-state")).to_have_text("Закрыт")
        expect(
            client_page.locator('[data-testid="timeline-entry"][data-action="complete_service"]')
        ).to_contain_text("Сервисное обслуживание завершено")
        assert list(
            order.events.filter(action=OrderAction.SERVICE_REMINDER).values_list("actor", flat=True)
        ) == [None]
        order.refresh_from_db()
        assert order.state == State.CLOSED
    finally:
        for context in contexts:
            context.close()
