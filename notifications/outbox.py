import logging
import time

from celery import current_app
from django.db import IntegrityError, transaction

from notifications.models.outbox import OutboxMessage

logger = logging.getLogger(__name__)


def outbox_write(
    *,
    topic: str,
    aggregate_type: str,
    aggregate_id: int,
    payload: dict,
    dedupe_key: str,
    key_is_new: bool = False,
) -> OutboxMessage:
    """Record a side effect in the caller's transaction; the same `dedupe_key` twice writes once.

    Must be called inside the transaction of the change that causes the effect, so a
    rollback takes the effect with it. After commit a worker is nudged; if the broker is
    down the row waits for the periodic sweep, and the caller never sees an error.
    With `key_is_new` the caller vouches that no row can have the key yet (it names a row
    the same transaction just inserted): the row is written without a savepoint.
    """
    fields = {
        "topic": topic,
        "aggregate_type": aggregate_type,
        "aggregate_id": aggregate_id,
        "payload": payload,
        "dedupe_key": dedupe_key,
    }
    if key_is_new:
        message = OutboxMessage.objects.create(**fields)
    else:
        try:
            with transaction.atomic():
                message = OutboxMessage.objects.create(**fields)
        except IntegrityError:
            return OutboxMessage.objects.get(dedupe_key=dedupe_key)
    _nudge_after_commit(message.pk)
    return message


# Named, not imported: the outbox sits below every app that writes to it, and the task
# module above it imports what dispatching needs (orders, accounts, ...).
OUTBOX_DISPATCH_TASK = "notifications.tasks.outbox_dispatch_task"

# After a failed nudge the broker is taken for down this long: requests stop paying for
# connection attempts and the sweep (every minute) delivers what was written meanwhile.
BROKER_DOWN_PAUSE_SECONDS = 30
_broker_down_until = 0.0


def _nudge_after_commit(message_id: int) -> None:
    """Collect the transaction's rows and nudge once after it commits, however many it wrote."""
    connection = transaction.get_connection()
    pending = getattr(connection, "outbox_pending_ids", None)
    registered = pending is not None and any(
        callback == pending.nudge for _sids, callback, _robust in connection.run_on_commit
    )
    if registered:
        pending.ids.append(message_id)
        return
    # The list of an earlier transaction (committed, or rolled back with its callback) is
    # not this one's. The id goes in first: outside a transaction on_commit runs at once.
    pending = _PendingNudge()
    pending.ids.append(message_id)
    connection.outbox_pending_ids = pending
    transaction.on_commit(pending.nudge, robust=True)


class _PendingNudge:
    def __init__(self):
        self.ids: list[int] = []

    def nudge(self) -> None:
        nudge_relay(self.ids)


def nudge_relay(message_ids: list[int]) -> None:
    """Ask a worker to dispatch these outbox rows now; harmless to lose (the sweep catches them).

    Fire and forget: the task keeps no result, so publishing never touches a result store,
    and one failure pauses nudges for a while instead of making every request wait on a
    dead broker.
    """
    global _broker_down_until
    if time.monotonic() < _broker_down_until:
        return
    try:
        current_app.send_task(
            OUTBOX_DISPATCH_TASK, args=[message_ids], retry=False, ignore_result=True
        )
    except Exception:  # the broker may be down; the rows are safe in the database
        _broker_down_until = time.monotonic() + BROKER_DOWN_PAUSE_SECONDS
        logger.warning(
            "Could not nudge the outbox relay for messages %s; the sweep will deliver them",
            message_ids,
            exc_info=True,
        )
