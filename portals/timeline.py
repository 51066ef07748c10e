"""What an order's timeline says about each `OrderEvent`, in the client and manager portals.

An event's `action` is a transition name (labelled by the lifecycle) or one of the
actions the services record themselves, labelled here.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from orders.lifecycle import DeliveryStatus, State
from orders.models import Order, OrderEvent

ACTION_LABELS = {
    "created": _("Order placed"),
    "quote_priced": _("Quote priced"),
    "quote_sent": _("Quote sent"),
    "quote_accepted": _("Quote accepted"),
    "quote_reminder": _("Quote reminder sent"),
    "contract_signed": _("Contract signed"),
    "payment_recorded": _("Payment received"),
    "payment_refunded": _("Payment refunded"),
    "invoice_issued": _("Invoice issued"),
    "payment_reminder": _("Payment reminder sent"),
    "delivery_updated": _("Delivery updated"),
    "manager_assigned": _("Manager assigned"),
    "sla_breach": _("Stage deadline passed"),
    "sla_escalation": _("Escalated to management"),
    "service_reminder": _("Service reminder sent"),
    "recurring_created": _("Repeat schedule set up"),
    "recurring_failed": _("Scheduled repeat failed"),
}
OTHER_ACTION_LABEL = _("Order updated")
MONEY_ACTIONS = {"payment_recorded", "payment_refunded", "invoice_issued"}
# Internal bookkeeping a client has no use for.
STAFF_ONLY_ACTIONS = {"manager_assigned", "sla_breach", "sla_escalation", "recurring_failed"}


def _transition_labels() -> dict:
    transitions = Order._meta.get_field("state").get_all_transitions(Order)
    return {t.name: t.custom["label"] for t in transitions if "label" in t.custom}


TRANSITION_LABELS = _transition_labels()


def state_label(value: str) -> str:
    try:
        return State(value).label
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
    if event.action in MONEY_ACTIONS and payload.get("amount"):
        amount = number_format(Decimal(payload["amount"]), 2, force_grouping=True)
        number = payload.get("invoice_number")
        return f"{number}: {amount}" if number else amount
    return ""


def timeline_entry(event: OrderEvent) -> TimelineEntry:
    title = ACTION_LABELS.get(event.action) or TRANSITION_LABELS.get(event.action)
    moved = event.to_state and event.from_state != event.to_state
    return TimelineEntry(
        when=event.created_at,
        action=event.action,
        title=str(title or OTHER_ACTION_LABEL),
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
