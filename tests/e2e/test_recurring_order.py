"""A company's order repeated on a schedule: the client sets it up on the order's page, the
beat's sweep (run with its clock moved past the due time) places the next order exactly
once; the client finds it among their orders and the manager on the desk, each page linking
back to the order it repeats."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from orders.lifecycle import OrderKind, State
from orders.models import Order, RecurringOrder
from orders.services import LineInput, order_create, recurring_sweep
from tests.catalog.factories import ItemFactory
from tests.e2e.test_client_orders import _log_in
from tests.factories import ContactFactory, UserFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("role_groups"),
]


def test_a_company_order_repeats_monthly_once_per_run_and_both_sides_see_it(browser, live_server):
    manager = UserFactory(username="anna", role="manager")
    contact = ContactFactory(
        user__username="boris", customer__name="ООО «Вектор»", customer__manager=manager
    )
    paper = ItemFactory(name="Бумага А4, коробка", price=Decimal("2500.00"))
    source = order_create(
        customer=contact.customer,
        contact=contact,
        kind=OrderKind.PRODUCT,
        channel=Order.Channel.PORTAL,
        by=contact.user,
        lines=[LineInput(item=paper, quantity=4)],
    )
    contexts = [browser.new_context(locale="ru-RU") for _ in range(2)]
    client_page, manager_page = (context.new_page() for context in contexts)
    try:
        for page in (client_page, manager_page):
            page.set_default_timeout(15000)

        # The client sets up a monthly repeat on the order's page.
        _log_in(client_page, live_server, "boris")
        client_page.goto(f"{live_server.url}/client/orders/{source.pk}/")
        schedule_form = client_page.get_by_test_id("schedule-form")
        schedule_form.locator("#schedule-period").select_option(label="Каждый месяц")
        schedule_form.get_by_role("button", name="Повторять регулярно").click()
        schedule = RecurringOrder.objects.get(source_order=source)
        expect(client_page.locator(".alert-success")).to_contain_text(
            "Заказ будет повторяться: каждый месяц; следующий — "
            + timezone.localtime(schedule.next_run_at).strftime("%d.%m.%Y")
        )
        created = client_page.locator(
            '[data-testid="timeline-entry"][data-action="recurring_created"]'
        )
        expect(created).to_contain_text("Настроен регулярный заказ")
        expect(created).to_contain_text("Каждый месяц")
        # The home page lists the schedule the client may stop.
        client_page.goto(f"{live_server.url}/client/")
        schedules = client_page.get_by_test_id("schedules")
        expect(schedules).to_contain_text(f"{source.number} · Каждый месяц · следующий")
        assert schedule.period == RecurringOrder.Period.MONTHLY
        assert schedule.created_by == contact.user
        assert schedule.next_run_at > timezone.now() + timedelta(days=27)

        # Beat's sweep, a minute after the run is due: one order, and none on a second tick.
        due = schedule.next_run_at + timedelta(minutes=1)
        assert recurring_sweep(now=schedule.next_run_at - timedelta(minutes=1)) == 0
        assert recurring_sweep(now=due) == 1
        assert recurring_sweep(now=due) == 0
        repeated = Order.objects.exclude(pk=source.pk).get()
        assert (repeated.recurring_schedule, repeated.related_order) == (schedule, source)
        assert repeated.state == State.REQUEST
        assert repeated.total == source.total == Decimal("10000.00")
        schedule.refresh_from_db()
        assert schedule.next_run_at > due

        # The client finds it among their orders, with the link back to the source.
        client_page.goto(f"{live_server.url}/client/orders/")
        expect(client_page.get_by_test_id("order-row")).to_have_count(2)
        client_page.get_by_role("link", name=repeated.number).click()
        expect(client_page.get_by_test_id("order-state")).to_have_text("Заявка (предзаказ)")
        expect(client_page.get_by_text("Бумага А4, коробка")).to_be_visible()
        client_page.get_by_test_id("related-order").get_by_role("link", name=source.number).click()
        expect(client_page).to_have_url(f"{live_server.url}/client/orders/{source.pk}/")

        # The manager sees it among the new requests on the desk, and where it came from.
        _log_in(manager_page, live_server, "anna")
        manager_page.goto(f"{live_server.url}/manager/orders/?view=new")
        desk = manager_page.get_by_test_id("order-desk")
        expect(desk.get_by_role("link", name=repeated.number)).to_have_count(1)
        desk.get_by_role("link", name=repeated.number).click()
        expect(manager_page.get_by_test_id("order-state")).to_have_text("Заявка (предзаказ)")
        related = manager_page.get_by_test_id("related-order")
        related.get_by_role("link", name=source.number).click()
        expect(manager_page).to_have_url(f"{live_server.url}/manager/orders/{source.pk}/")
    finally:
        for context in contexts:
            context.close()
