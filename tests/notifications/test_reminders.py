from datetime import timedelta

import pytest
from django.utils import timezone

from orders.lifecycle import State
from orders.models import Order, OrderEvent, RecurringOrder
from orders.services import (
    order_sla_escalate,
    order_transition,
    recurring_order_create,
    recurring_sweep,
    reminders_sweep,
)
from tests.factories import UserFactory
from tests.orders.factories import OrderFactory, PaymentFactory, QuoteFactory, WorkflowFactory

pytestmark = pytest.mark.django_db


def test_entering_a_stage_starts_its_sla_clock(placed_order, people):
    order = placed_order()  # a B2B order: the default workflow gives "request" 4 hours

    assert order.sla_due_at == order.state_changed_at + timedelta(hours=4)
    moved = order_transition(order=order, transition="start_quote", by=people["manager"])
    assert moved.sla_due_at == moved.state_changed_at + timedelta(hours=72)
    assert moved.sla_level == 0


def test_an_sla_breach_escalates_once_then_to_the_director_once():
    UserFactory(role="director")
    workflow = WorkflowFactory(stage_sla_hours={"request": 4})
    entered = timezone.now() - timedelta(hours=5)
    order = OrderFactory(
        workflow=workflow,
        state=State.REQUEST,
        state_changed_at=entered,
        sla_due_at=entered + timedelta(hours=4),
    )
    now = timezone.now()

    first = [reminders_sweep(now)["escalated"] for _ in range(3)]
    later = [reminders_sweep(now + timedelta(hours=4))["escalated"] for _ in range(3)]

    assert first == [1, 0, 0]
    assert later == [1, 0, 0]
    actions = list(OrderEvent.objects.filter(order=order).values_list("action", flat=True))
    assert actions == ["sla_breach", "sla_escalation"]
    order.refresh_from_db()
    assert (order.sla_level, order.sla_due_at) == (2, None)


def test_escalating_an_order_that_moved_on_does_nothing(placed_order, people):
    order = placed_order()
    order_transition(order=order, transition="start_quote", by=people["manager"])

    assert order_sla_escalate(order_id=order.pk, now=timezone.now() + timedelta(hours=5)) is None


def test_quote_waiting_for_the_client_is_reminded_once(settings):
    settings.QUOTE_REMINDER_AFTER_HOURS = 72
    order = OrderFactory(state=State.QUOTE)
    QuoteFactory(order=order, version=1, status="sent", sent_at=timezone.now() - timedelta(days=4))
    QuoteFactory(
        order=OrderFactory(state=State.QUOTE),
        version=1,
        status="sent",
        sent_at=timezone.now() - timedelta(days=1),
    )

    results = [reminders_sweep()["quotes"] for _ in range(2)]

    assert results == [1, 0]
    assert OrderEvent.objects.filter(action="quote_reminder").count() == 1


def test_service_due_tomorrow_is_reminded_once():
    OrderFactory(state=State.SERVICE, service_date=timezone.localdate() + timedelta(days=1))
    OrderFactory(state=State.SERVICE, service_date=timezone.localdate() + timedelta(days=10))

    results = [reminders_sweep()["services"] for _ in range(2)]

    assert results == [1, 0]


def test_the_service_reminder_reads_the_sweeps_clock_not_the_wall():
    due = OrderFactory(state=State.SERVICE, service_date=timezone.localdate() + timedelta(days=10))

    early = reminders_sweep(now=timezone.now() + timedelta(days=5))["services"]
    on_time = reminders_sweep(now=timezone.now() + timedelta(days=9))["services"]

    assert (early, on_time) == (0, 1)
    due.refresh_from_db()
    assert due.service_reminded_at is not None


def test_recurring_order_due_now_is_created_once_and_moves_on(placed_order, people):
    source = placed_order()
    schedule = recurring_order_create(
        order=source,
        period="monthly",
        by=people["client"],
        first_run_at=timezone.now() - timedelta(minutes=1),
    )

    created = [recurring_sweep(), recurring_sweep()]

    assert created == [1, 0]
    new_order = Order.objects.get(recurring_schedule=schedule)
    assert [line.name for line in new_order.lines.all()] == [
        line.name for line in source.lines.all()
    ]
    assert new_order.state == State.REQUEST
    assert new_order.related_order == source  # both portals link it back
    schedule.refresh_from_db()
    assert schedule.next_run_at > timezone.now() + timedelta(days=27)


def test_only_the_client_or_staff_may_make_an_order_recurring(placed_order):
    source = placed_order()
    from orders.errors import OrderPermissionError
    from tests.factories import ContactFactory

    with pytest.raises(OrderPermissionError):
        recurring_order_create(order=source, period="weekly", by=ContactFactory().user)

    assert not RecurringOrder.objects.exists()


def test_an_unpaid_invoice_is_reminded_once_per_payment_stage(settings):
    settings.PAYMENT_REMINDER_AFTER_HOURS = 72
    entered = timezone.now() - timedelta(hours=80)
    unpaid = OrderFactory(state=State.PAYMENT, state_changed_at=entered)
    paid = OrderFactory(state=State.PAYMENT, state_changed_at=entered)
    PaymentFactory(order=paid, amount=paid.total)
    OrderFactory(state=State.PAYMENT, state_changed_at=timezone.now())  # not yet due

    results = [reminders_sweep()["unpaid"] for _ in range(2)]

    reminded = OrderEvent.objects.filter(action="payment_reminder").values_list("order", flat=True)
    assert results == [1, 0]
    assert list(reminded) == [unpaid.pk]


def test_a_cancelled_orders_quote_is_not_reminded(settings):
    settings.QUOTE_REMINDER_AFTER_HOURS = 72
    order = OrderFactory(state=State.CANCELLED)
    QuoteFactory(order=order, version=1, status="sent", sent_at=timezone.now() - timedelta(days=5))

    assert reminders_sweep()["quotes"] == 0
    assert not OrderEvent.objects.filter(action="quote_reminder").exists()
