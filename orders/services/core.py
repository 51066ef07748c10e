"""What every write of the package shares: the order's row lock and version check,
the event with its outbox row, and who may process orders.

The package's writing modules import this one; it imports none of them.
"""

from datetime import date

from django.utils import timezone

from notifications.outbox import outbox_write
from orders.actions import OrderAction
from orders.closings import closing_record
from orders.errors import OrderConflictError
from orders.models import Order, OrderEvent
from orders.stage_stays import stay_record

# A beat tick handles at most this many due rows; the next tick takes the rest.
SWEEP_BATCH = 500


def _lock(order: Order, *, expected_state: str | None = None, expected_version: int | None = None):
    """Re-read the order under a row lock; refuse if it moved since the caller read it."""
    # `of`: PostgreSQL cannot lock the nullable side of the workflow join.
    locked = (
        Order.objects.select_for_update(of=("self",)).select_related("workflow").get(pk=order.pk)
    )
    if expected_state is not None and locked.state != expected_state:
        raise OrderConflictError()
    if expected_version is not None and locked.version != expected_version:
        raise OrderConflictError()
    return locked


def _bump(order: Order, *, fields=()) -> None:
    """Count the change, so a copy read before it is refused as stale."""
    order.version += 1
    order.save(update_fields=["version", "updated_at", *fields])


def _record_event(order, *, action, by, from_state="", to_state="", note="", payload=None):
    """Append the event and its outbox row; the caller holds the transaction."""
    # An action outside the enumeration would have no label and a topic nobody may
    # subscribe to: refuse it (ValueError) before anything is written.
    action = OrderAction(action)
    event = OrderEvent.objects.create(
        order=order,
        actor=by,
        action=action,
        from_state=from_state,
        to_state=to_state,
        note=note,
        payload=payload or {},
    )
    # The reports' stays and the sale's closing are kept with the events, in the same
    # transaction.
    stay_record(event)
    closing_record(event)
    outbox_write(
        topic=action.topic,
        aggregate_type="order",
        aggregate_id=order.pk,
        payload={
            "order_id": order.pk,
            "number": order.number,
            "action": action,
            "from_state": from_state,
            "to_state": to_state,
            "actor_id": by.pk if by else None,
            "event_id": event.pk,
            **(payload or {}),
        },
        dedupe_key=f"order-event:{event.pk}",
        key_is_new=True,  # the event row was inserted just above
    )
    return event


def _may_process(order: Order, by) -> bool:
    return by is None or by.has_perm("orders.process_order")


def _past_date_refused(field: str, value: date | None, message: str) -> dict[str, list[str]]:
    """`{field: [message]}` when a date a person sets is before today (local), else `{}`.

    `message` names the field and takes `%(date)s`. Only dates being set are checked: one
    left as it was may have passed meanwhile (a late delivery) and stays allowed.
    """
    if value is None or value >= timezone.localdate():
        return {}
    return {field: [message % {"date": value.strftime("%d.%m.%Y")}]}
