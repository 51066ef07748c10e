"""Reminders and escalations, and the beat sweep that keeps orders from being forgotten.

The sweep's scans each read a partial index on their due time, so they cost what is due,
not what exists; each row found is then handled by a service that re-checks under a lock,
so two sweeps at once remind and escalate once.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from orders.actions import OrderAction
from orders.lifecycle import State
from orders.models import Order, Quote
from orders.services.core import SWEEP_BATCH, _record_event
from orders.services.lifecycle import _sla_due


def order_sla_escalate(*, order_id: int, now: datetime | None = None) -> str | None:
    """Raise the next escalation of an order overdue at its stage; None when nothing is due.

    First the manager is reminded; at twice the SLA the director. The due time is
    re-checked under the row lock, so racing sweeps escalate once.
    """
    now = now or timezone.now()
    with transaction.atomic():
        order = (
            Order.objects.select_for_update(of=("self",))
            .select_related("workflow")
            .get(pk=order_id)
        )
        if order.sla_due_at is None or order.sla_due_at > now:
            return None
        hours = (order.workflow.stage_sla_hours or {}).get(order.state) if order.workflow else None
        if order.sla_level == 0 and hours:
            action = OrderAction.SLA_BREACH
            order.sla_level = 1
            order.sla_due_at = _sla_due(order.workflow, order.state_changed_at, 2 * hours)
        else:
            action = OrderAction.SLA_ESCALATION
            order.sla_level = 2
            order.sla_due_at = None
        order.save(update_fields=["sla_due_at", "sla_level"])
        _record_event(
            order,
            action=action,
            by=None,
            from_state=order.state,
            to_state=order.state,
            payload={"level": order.sla_level, "sla_hours": hours},
        )
    return action


def quote_remind_awaiting(*, quote_id: int) -> bool:
    """Remind the client once about a sent quote they have not accepted."""
    with transaction.atomic():
        quote = Quote.objects.select_for_update().select_related("order").get(pk=quote_id)
        if (
            quote.status != Quote.Status.SENT
            or quote.reminded_at is not None
            or quote.order.state != State.QUOTE  # a cancelled order's quote waits for nobody
        ):
            return False
        quote.reminded_at = timezone.now()
        quote.save(update_fields=["reminded_at"])
        _record_event(
            quote.order,
            action=OrderAction.QUOTE_REMINDER,
            by=None,
            from_state=quote.order.state,
            to_state=quote.order.state,
            payload={"quote_version": quote.version},
        )
    return True


def order_service_remind(*, order_id: int) -> bool:
    """Remind the client and the manager once that the scheduled service is near."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.state != State.SERVICE or order.service_reminded_at is not None:
            return False
        order.service_reminded_at = timezone.now()
        order.save(update_fields=["service_reminded_at"])
        _record_event(
            order,
            action=OrderAction.SERVICE_REMINDER,
            by=None,
            from_state=order.state,
            to_state=order.state,
            payload={"service_date": str(order.service_date or "")},
        )
    return True


def order_payment_remind(*, order_id: int) -> bool:
    """Remind the client once per payment stage that the invoice is still unpaid."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.state != State.PAYMENT or order.payment_reminded_at is not None:
            return False
        order.payment_reminded_at = timezone.now()
        order.save(update_fields=["payment_reminded_at"])
        if order.is_fully_paid():
            return False
        _record_event(
            order,
            action=OrderAction.PAYMENT_REMINDER,
            by=None,
            from_state=order.state,
            to_state=order.state,
            payload={"total": str(order.total), "paid": str(order.amount_paid())},
        )
    return True


def sla_due_order_ids(now) -> list[int]:
    return list(
        Order.objects.filter(sla_due_at__lte=now)
        .order_by("sla_due_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )


def reminders_sweep(now=None) -> dict:
    now = now or timezone.now()
    escalated = sum(bool(order_sla_escalate(order_id=pk, now=now)) for pk in sla_due_order_ids(now))
    quote_ids = Quote.objects.filter(
        status=Quote.Status.SENT,
        order__state=State.QUOTE,
        reminded_at__isnull=True,
        sent_at__lte=now - timedelta(hours=settings.QUOTE_REMINDER_AFTER_HOURS),
    ).values_list("pk", flat=True)[:SWEEP_BATCH]
    quotes = sum(quote_remind_awaiting(quote_id=pk) for pk in quote_ids)
    service_ids = Order.objects.filter(
        state=State.SERVICE,
        service_reminded_at__isnull=True,
        # The sweep's own clock, not the wall's: a late or replayed run sees what was due then.
        service_date__lte=timezone.localdate(now)
        + timedelta(days=settings.SERVICE_REMINDER_DAYS_BEFORE),
    ).values_list("pk", flat=True)[:SWEEP_BATCH]
    services = sum(order_service_remind(order_id=pk) for pk in service_ids)
    unpaid_ids = Order.objects.filter(
        state=State.PAYMENT,
        payment_reminded_at__isnull=True,
        state_changed_at__lte=now - timedelta(hours=settings.PAYMENT_REMINDER_AFTER_HOURS),
    ).values_list("pk", flat=True)[:SWEEP_BATCH]
    unpaid = sum(order_payment_remind(order_id=pk) for pk in unpaid_ids)
    return {"escalated": escalated, "quotes": quotes, "services": services, "unpaid": unpaid}
