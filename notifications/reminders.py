"""The beat sweeps that keep orders from being forgotten.

Each scan reads a partial index on its due time, so it costs what is due, not what
exists; each item is then handled by a service that re-checks under a lock.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from orders.lifecycle import State
from orders.models import Order, Quote, RecurringOrder
from orders.services import (
    order_payment_remind,
    order_service_remind,
    order_sla_escalate,
    quote_remind_awaiting,
    recurring_order_run,
)

BATCH = 500


def sla_due_order_ids(now) -> list[int]:
    return list(
        Order.objects.filter(sla_due_at__lte=now)
        .order_by("sla_due_at")
        .values_list("pk", flat=True)[:BATCH]
    )


def reminders_sweep(now=None) -> dict:
    now = now or timezone.now()
    escalated = sum(bool(order_sla_escalate(order_id=pk, now=now)) for pk in sla_due_order_ids(now))
    quote_ids = Quote.objects.filter(
        status=Quote.Status.SENT,
        order__state=State.QUOTE,
        reminded_at__isnull=True,
        sent_at__lte=now - timedelta(hours=settings.QUOTE_REMINDER_AFTER_HOURS),
    ).values_list("pk", flat=True)[:BATCH]
    quotes = sum(quote_remind_awaiting(quote_id=pk) for pk in quote_ids)
    service_ids = Order.objects.filter(
        state=State.SERVICE,
        service_reminded_at__isnull=True,
        service_date__lte=timezone.localdate()
        + timedelta(days=settings.SERVICE_REMINDER_DAYS_BEFORE),
    ).values_list("pk", flat=True)[:BATCH]
    services = sum(order_service_remind(order_id=pk) for pk in service_ids)
    unpaid_ids = Order.objects.filter(
        state=State.PAYMENT,
        payment_reminded_at__isnull=True,
        state_changed_at__lte=now - timedelta(hours=settings.PAYMENT_REMINDER_AFTER_HOURS),
    ).values_list("pk", flat=True)[:BATCH]
    unpaid = sum(order_payment_remind(order_id=pk) for pk in unpaid_ids)
    return {"escalated": escalated, "quotes": quotes, "services": services, "unpaid": unpaid}


def recurring_sweep(now=None) -> int:
    now = now or timezone.now()
    due = RecurringOrder.objects.filter(is_active=True, next_run_at__lte=now).values_list(
        "pk", flat=True
    )[:BATCH]
    return sum(recurring_order_run(schedule_id=pk, now=now) is not None for pk in list(due))
