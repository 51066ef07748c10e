"""What an order's timeline says about each `OrderEvent`, in the client and manager portals.

An event's `action` is one of `OrderAction`, which labels it.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from orders.actions import OrderAction
from orders.lifecycle import DeliveryStatus, State
from orders.models import Order, OrderEvent, RecurringOrder

OTHER_ACTION_LABEL = _("Order updated")
# A payment received before the order's payment stage (its event says `"advance": true`).
ADVANCE_PAYMENT_LABEL = _("Advance payment received")
MONEY_ACTIONS = {
    OrderAction.PAYMENT_RECORDED,
    OrderAction.PAYMENT_REFUNDED,
    OrderAction.INVOICE_ISSUED,
}
# Internal bookkeeping a client has no use for.
STAFF_ONLY_ACTIONS = {
    OrderAction.MANAGER_ASSIGNED,
    OrderAction.SLA_BREACH,
    OrderAction.SLA_ESCALATION,
    OrderAction.RECURRING_FAILED,
}


def action_label(action: str) -> str:
    try:
        return str(OrderAction(action).label)
    except ValueError:  # a row written under an action since retired
        return str(OTHER_ACTION_LABEL)


def state_label(value: str) -> str:
    try:
        return State(value).label
    except ValueError:
        return value


def _priority_label(value: str) -> str:
    try:
        return str(Order.Priority(value).label)
    except ValueError:
        return value


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime
    action: str
    title: str
    from_state: str = ""
    to_state: str = ""
    detail: str = ""
    actor: str = ""
    note: str = ""


def _detail(event: OrderEvent) -> str:
    payload = event.payload or {}
    if payload.get("reason"):
        return payload["reason"]
    new_status = payload.get("changes", {}).get("delivery_status", {}).get("new")
    if new_status in DeliveryStatus.values:
        return DeliveryStatus(new_status).label
    if payload.get("quote_version"):
        return gettext("Version %(version)s") % {"version": payload["quote_version"]}
    if payload.get("previous_lines"):
        # An amendment: what the order was before; the new version's lines show after.
        lines = "; ".join(
            f"{line['name']} × {_quantity(Decimal(line['quantity']))}"
            for line in payload["previous_lines"]
        )
        return gettext("Before: %(lines)s") % {"lines": lines}
    if event.action == OrderAction.TICKET_PRIORITY_SET:
        return " → ".join(
            _priority_label(payload.get(key, "")) for key in ("old_priority", "new_priority")
        )
    if event.action == OrderAction.RECURRING_CREATED and payload.get("period"):
        return _period_label(payload["period"])
    if event.action in MONEY_ACTIONS and payload.get("amount"):
        amount = number_format(Decimal(payload["amount"]), 2, force_grouping=True)
        number = payload.get("invoice_number")
        return f"{number}: {amount}" if number else amount
    return ""


def _period_label(value: str) -> str:
    try:
        return str(RecurringOrder.Period(value).label)
    except ValueError:  # a period since retired
        return ""


def _quantity(value: Decimal) -> str:
    return number_format(value, 3 if value % 1 else 0)


def event_label(event: OrderEvent) -> str:
    if event.action == OrderAction.PAYMENT_RECORDED and (event.payload or {}).get("advance"):
        return str(ADVANCE_PAYMENT_LABEL)
    return action_label(event.action)


def timeline_entry(event: OrderEvent) -> TimelineEntry:
    moved = event.to_state and event.from_state != event.to_state
    return TimelineEntry(
        when=event.created_at,
        action=event.action,
        title=event_label(event),
        from_state=state_label(event.from_state) if moved and event.from_state else "",
        to_state=state_label(event.to_state) if moved else "",
        detail=str(_detail(event)),
        actor=str(event.actor) if event.actor_id else "",
        note=event.note,
    )


def order_timeline(order: Order, *, for_client: bool = False) -> list[TimelineEntry]:
    """Oldest first; reads `order.events.all()`, so a prefetch serves it."""
    return [
        timeline_entry(event)
        for event in order.events.all()
        if not (for_client and event.action in STAFF_ONLY_ACTIONS)
    ]
