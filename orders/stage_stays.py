"""The stage stays (`StageStay`): written with each state change, backfilled once from the events.

A stay begins with a state change (an event whose `to_state` differs from its `from_state`)
and ends with the order's next one, ties in time ordered by id: the same reading of the
events the reports made with LEAD over them before the stays were kept. The order leaves
a stay "forward" unless it is cancelled or sent back (BACKWARD_ACTIONS).
"""

from datetime import timedelta

from orders.lifecycle import State

BACKWARD_ACTIONS = frozenset({"amend"})
MICROSECOND = timedelta(microseconds=1)


def _is_state_change(event) -> bool:
    return bool(event.to_state) and event.from_state != event.to_state


def _forward(to_state: str, action: str) -> bool:
    return to_state != State.CANCELLED and action not in BACKWARD_ACTIONS


def stay_record(event) -> None:
    """End the order's open stay and begin the next one, if `event` changed the state.

    The caller holds the transaction and the order's row lock (orders.services); events
    of one order come in time order, so the open stay is the one this event ends.
    """
    if not _is_state_change(event):
        return
    # Imported here: the bench seeder reads BACKFILL_SQL before Django's apps are loaded.
    from orders.models import StageStay

    order = event.order
    stays = []
    # The order's very first event (its creation) has nothing to end: no read.
    if event.from_state:
        stays = list(
            StageStay.objects.filter(order_id=order.pk).only(
                "pk", "state", "entered_at", "left_at", "first_moved_on"
            )
        )
    current = next((stay for stay in stays if stay.left_at is None), None)
    if current is not None:
        current.left_at = event.created_at
        current.microseconds = (event.created_at - current.entered_at) // MICROSECOND
        current.first_moved_on = _forward(event.to_state, event.action) and not any(
            stay.first_moved_on for stay in stays if stay.state == current.state
        )
        current.save(update_fields=["left_at", "microseconds", "first_moved_on"])
    StageStay.objects.create(
        order_id=order.pk,
        kind=order.kind,
        order_created_at=order.created_at,
        state=event.to_state,
        entered_at=event.created_at,
        first_visit=not any(stay.state == event.to_state for stay in stays),
    )


# PostgreSQL: one INSERT ... SELECT. The inner level ends each stay at the order's next state
# change (LEAD, as the reports did); the outer one numbers each order's stays in a state,
# all of them and those left forward, to mark the first of each.
BACKFILL_SQL = """
INSERT INTO orders_stagestay (order_id, kind, order_created_at, state, entered_at, left_at,
    microseconds, first_visit, first_moved_on)
SELECT stay.order_id, o.kind, o.created_at, stay.state, stay.entered_at, stay.left_at,
    ((EXTRACT(EPOCH FROM stay.left_at) - EXTRACT(EPOCH FROM stay.entered_at)) * 1000000)::bigint,
    ROW_NUMBER() OVER (PARTITION BY stay.order_id, stay.state
        ORDER BY stay.entered_at, stay.id) = 1,
    stay.forward AND ROW_NUMBER() OVER (PARTITION BY stay.order_id, stay.state, stay.forward
        ORDER BY stay.entered_at, stay.id) = 1
FROM (
    SELECT e.id, e.order_id, e.to_state AS state, e.created_at AS entered_at,
        LEAD(e.created_at) OVER next_change AS left_at,
        COALESCE(LEAD(e.to_state) OVER next_change <> %(cancelled)s
            AND NOT LEAD(e.action) OVER next_change = ANY(%(backward)s), false) AS forward
    FROM orders_orderevent AS e
    WHERE e.from_state <> e.to_state AND e.to_state <> ''
    WINDOW next_change AS (PARTITION BY e.order_id ORDER BY e.created_at, e.id)
) AS stay
JOIN orders_order AS o ON o.id = stay.order_id
"""
BACKFILL_PARAMS = {"cancelled": str(State.CANCELLED), "backward": sorted(BACKWARD_ACTIONS)}


def stays_backfill(*, event_model, stay_model, connection) -> None:
    """Write the stays of every event so far into the (empty) stays table."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(BACKFILL_SQL, BACKFILL_PARAMS)
        return
    _backfill_in_python(event_model=event_model, stay_model=stay_model)


EVENT_FIELDS = (
    *("created_at", "action", "from_state", "to_state"),
    *("order__kind", "order__created_at"),
)


def _backfill_in_python(*, event_model, stay_model, batch: int = 2000) -> None:
    """Other databases (SQLite: development and tests): the events walked in order."""
    events = (
        event_model.objects.exclude(to_state="")
        .select_related("order")
        .only(*EVENT_FIELDS)
        .order_by("order_id", "created_at", "id")
    )
    pending = []
    order_id, current, seen, moved_on = None, None, set(), set()
    for event in events.iterator(chunk_size=batch):
        if event.from_state == event.to_state:
            continue
        if event.order_id != order_id:
            order_id, current, seen, moved_on = event.order_id, None, set(), set()
        if current is not None:
            current.left_at = event.created_at
            current.microseconds = (event.created_at - current.entered_at) // MICROSECOND
            if _forward(event.to_state, event.action) and current.state not in moved_on:
                current.first_moved_on = True
                moved_on.add(current.state)
        current = stay_model(
            order_id=event.order_id,
            kind=event.order.kind,
            order_created_at=event.order.created_at,
            state=event.to_state,
            entered_at=event.created_at,
            first_visit=event.to_state not in seen,
            first_moved_on=False,
        )
        seen.add(event.to_state)
        pending.append(current)
        if len(pending) >= batch:
            # The last one may still be ended by the order's next event: keep it back.
            stay_model.objects.bulk_create(pending[:-1])
            pending = pending[-1:]
    stay_model.objects.bulk_create(pending)
