"""The change feed: every order event, in the order it became visible, with a cursor.

Event ids are taken at INSERT time, so a slow transaction can commit an id lower than
one a poller already saw; reading by id would skip it. Instead, positions are handed out
after commit by one assigner at a time (a row lock on `FeedCursor`), only to events it
can see, each batch in one transaction, so positions grow in visibility order and a
poller reading `position > cursor` never misses or repeats one.

The worker assigns them in small batches (`feed_assign_backlog`, every few seconds and
when a reader finds a backlog). A reader assigns only a backlog small enough to be cheap
(`feed_catch_up`), so a poller sees a quiet system's latest writes at once and never pays
for a burst.
"""

from django.db import transaction
from django.db.models import QuerySet

from orders.models import FeedCursor, OrderEvent

# Events a batch positions: one short transaction holding the cursor's lock.
ASSIGN_BATCH = 200
# Batches one worker run assigns at most, so a run stays far inside the broker's visibility
# timeout; the next run (beat, a few seconds later) takes the rest.
ASSIGN_MAX_BATCHES = 50
# The largest backlog a reader positions itself; past it the reader leaves it to the worker.
READER_ASSIGNS_AT_MOST = 100


def _pending() -> QuerySet[OrderEvent]:
    # The partial index on unpositioned events answers this without touching the others.
    return OrderEvent.objects.filter(feed_position__isnull=True).order_by("id")


def _cursor_locked(*, wait: bool) -> FeedCursor | None:
    """The cursor row under its lock; without `wait`, None while another assigner has it."""
    if wait:
        return FeedCursor.objects.select_for_update().get_or_create(pk=1)[0]
    cursor = FeedCursor.objects.select_for_update(skip_locked=True).filter(pk=1).first()
    if cursor is None and not FeedCursor.objects.filter(pk=1).exists():
        return FeedCursor.objects.select_for_update().get_or_create(pk=1)[0]
    return cursor


def feed_assign_positions(*, batch: int = ASSIGN_BATCH, wait: bool = True) -> int:
    """Give positions to up to `batch` committed events that have none, oldest id first;
    returns how many got one. Without `wait`, gives none while another assigner runs."""
    with transaction.atomic():
        cursor = _cursor_locked(wait=wait)
        if cursor is None:
            return 0
        pending = list(_pending().only("id")[:batch])
        if not pending:
            return 0
        for event in pending:
            cursor.last_position += 1
            event.feed_position = cursor.last_position
        OrderEvent.objects.bulk_update(pending, ["feed_position"])
        cursor.save(update_fields=["last_position"])
    return len(pending)


def feed_assign_backlog(*, batch: int = ASSIGN_BATCH, max_batches: int = ASSIGN_MAX_BATCHES) -> int:
    """The worker's run: batches until none is left or `max_batches` were assigned, each in
    its own transaction so readers and writers never wait long on the lock; returns how
    many events got a position."""
    assigned = 0
    for _batch in range(max_batches):
        count = feed_assign_positions(batch=batch)
        assigned += count
        if count < batch:
            break
    return assigned


def feed_catch_up(*, most: int = READER_ASSIGNS_AT_MOST) -> bool:
    """For a reader: position a backlog of at most `most` events now (a quiet system's
    latest writes show at once); leave a larger one to the worker, writing nothing.

    Returns False when a larger backlog was left, for the caller to nudge the worker.
    Costs one indexed read when nothing is pending or the backlog is left."""
    pending = list(_pending().values_list("id", flat=True)[: most + 1])
    if len(pending) > most:
        return False
    if pending:
        feed_assign_positions(batch=most, wait=False)
    return True


def feed_events_after(*, position: int, limit: int) -> QuerySet[OrderEvent]:
    """Events after `position`, oldest first; only positioned events are listed."""
    return (
        OrderEvent.objects.filter(feed_position__gt=position)
        .select_related("order")
        .order_by("feed_position")[:limit]
    )
