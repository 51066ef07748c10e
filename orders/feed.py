"""The change feed: every order event, in the order it became visible, with a cursor.

Event ids are taken at INSERT time, so a slow transaction can commit an id lower than
one a poller already saw; reading by id would skip it. Instead, positions are handed out
after commit by one assigner at a time (a row lock on `FeedCursor`), only to events it
can see, so positions grow in visibility order and a poller reading `position > cursor`
never misses or repeats one.
"""

from django.db import transaction
from django.db.models import QuerySet

from orders.models import FeedCursor, OrderEvent

ASSIGN_BATCH = 1000


def feed_assign_positions(*, batch: int = ASSIGN_BATCH) -> int:
    """Give positions to committed events that have none; returns how many got one."""
    with transaction.atomic():
        cursor, _created = FeedCursor.objects.select_for_update().get_or_create(pk=1)
        pending = list(
            OrderEvent.objects.filter(feed_position__isnull=True).order_by("id").only("id")[:batch]
        )
        if not pending:
            return 0
        for event in pending:
            cursor.last_position += 1
            event.feed_position = cursor.last_position
        OrderEvent.objects.bulk_update(pending, ["feed_position"])
        cursor.save(update_fields=["last_position"])
    return len(pending)


def feed_events_after(*, position: int, limit: int) -> QuerySet[OrderEvent]:
    """Events after `position`, oldest first; call `feed_assign_positions` before reading."""
    return (
        OrderEvent.objects.filter(feed_position__gt=position)
        .select_related("order")
        .order_by("feed_position")[:limit]
    )
