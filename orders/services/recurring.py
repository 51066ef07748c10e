"""Repeated orders: once on request, or every period from a schedule that the beat sweep
runs, each due run creating its order exactly once."""

from datetime import datetime

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.actions import OrderAction
from orders.errors import OrderPermissionError, OrderValidationError
from orders.lifecycle import OrderKind
from orders.models import Order, RecurringOrder
from orders.services.core import SWEEP_BATCH, _may_process, _record_event
from orders.services.lifecycle import order_create
from orders.services.lines import line_inputs_at_todays_prices

_PERIODS = {
    RecurringOrder.Period.WEEKLY: relativedelta(weeks=1),
    RecurringOrder.Period.BIWEEKLY: relativedelta(weeks=2),
    RecurringOrder.Period.MONTHLY: relativedelta(months=1),
    RecurringOrder.Period.QUARTERLY: relativedelta(months=3),
}


def recurring_order_create(
    *, order: Order, period: str, by, first_run_at: datetime | None = None
) -> RecurringOrder:
    """Repeat `order` every `period`; the first new order comes one period from now."""
    if period not in _PERIODS:
        raise OrderValidationError({"period": [_("Choose a period from the list.")]})
    if order.kind == OrderKind.SUPPORT:
        raise OrderValidationError({"order": [_("Support requests cannot be repeated.")]})
    if not (_may_process(order, by) or (by is not None and order.belongs_to_client_user(by))):
        raise OrderPermissionError()
    with transaction.atomic():
        schedule = RecurringOrder.objects.create(
            source_order=order,
            period=period,
            next_run_at=first_run_at or timezone.now() + _PERIODS[period],
            created_by=by,
        )
        _record_event(
            order,
            action=OrderAction.RECURRING_CREATED,
            by=by,
            from_state=order.state,
            to_state=order.state,
            payload={"schedule_id": schedule.pk, "period": period},
        )
    return schedule


def recurring_order_stop(*, schedule: RecurringOrder, by) -> RecurringOrder:
    """No more orders from this schedule; the orders it made stay as they are."""
    order = schedule.source_order
    if not (_may_process(order, by) or (by is not None and order.belongs_to_client_user(by))):
        raise OrderPermissionError()
    with transaction.atomic():
        updated = RecurringOrder.objects.filter(pk=schedule.pk, is_active=True).update(
            is_active=False
        )
        if updated:
            _record_event(
                order,
                action=OrderAction.RECURRING_STOPPED,
                by=by,
                from_state=order.state,
                to_state=order.state,
                payload={"schedule_id": schedule.pk},
            )
    schedule.is_active = False
    return schedule


def order_repeat(*, order: Order, by) -> Order:
    """A new request with a past order's lines at today's prices and offers, as the cart
    prices them (`line_inputs_at_todays_prices`); its `created` event says so."""
    if order.kind == OrderKind.SUPPORT:
        raise OrderValidationError({"order": [_("Support requests cannot be repeated.")]})
    client = by is not None and order.belongs_to_client_user(by)
    if not (_may_process(order, by) or client):
        raise OrderPermissionError()
    lines = list(order.lines.select_related("item__category").order_by("position"))
    withdrawn = [line.item.name for line in lines if line.item and not line.item.is_active]
    if withdrawn:
        raise OrderValidationError(
            {"lines": [_("No longer sold: %(items)s.") % {"items": ", ".join(withdrawn)}]}
        )
    return order_create(
        customer=order.customer,
        contact=by.contact if client else order.contact,
        kind=order.kind,
        lines=line_inputs_at_todays_prices(lines),
        by=by,
        channel=Order.Channel.PORTAL if client else Order.Channel.MANAGER,
        comment=_("Repeat of order %(number)s") % {"number": order.number},
        related_order=order,
        priced_today=True,
    )


def recurring_order_run(*, schedule_id: int, now: datetime | None = None) -> Order | None:
    """Create the order a due schedule owes, exactly once, and move the schedule on. Its
    lines are priced as `order_repeat` prices them: today's prices and offers; its
    `related_order` is the schedule's source order.

    The schedule row is locked (skipped while another sweep holds it) and its due time
    re-checked; a unique constraint on (schedule, run time) backs this up.
    """
    now = now or timezone.now()
    with transaction.atomic():
        schedule = (
            RecurringOrder.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("source_order__customer", "source_order__contact")
            .filter(pk=schedule_id, is_active=True, next_run_at__lte=now)
            .first()
        )
        if schedule is None:
            return None
        run_at = schedule.next_run_at
        source = schedule.source_order
        lines = line_inputs_at_todays_prices(
            list(source.lines.select_related("item__category").order_by("position"))
        )
        schedule.next_run_at = run_at + _PERIODS[schedule.period]
        while schedule.next_run_at <= now:  # a long outage owes one order, not a backlog
            schedule.next_run_at += _PERIODS[schedule.period]
        schedule.save(update_fields=["next_run_at"])
        try:
            with transaction.atomic():
                order = order_create(
                    customer=source.customer,
                    contact=source.contact,
                    kind=source.kind,
                    lines=lines,
                    by=None,
                    channel=source.channel,
                    payment_terms=source.payment_terms,
                    currency=source.currency,
                    comment=source.comment,
                    recurring=(schedule, run_at),
                    # Both portals link an order to the one it repeats.
                    related_order=source,
                    priced_today=True,
                )
        except OrderValidationError as error:
            _record_event(
                source,
                action=OrderAction.RECURRING_FAILED,
                by=None,
                from_state=source.state,
                to_state=source.state,
                payload={"schedule_id": schedule.pk, "errors": error.errors},
            )
            return None
    return order


def recurring_sweep(now=None) -> int:
    now = now or timezone.now()
    due = RecurringOrder.objects.filter(is_active=True, next_run_at__lte=now).values_list(
        "pk", flat=True
    )[:SWEEP_BATCH]
    return sum(recurring_order_run(schedule_id=pk, now=now) is not None for pk in list(due))
