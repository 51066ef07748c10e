import logging

from django.db import IntegrityError, transaction

from notifications.models import OutboxMessage

logger = logging.getLogger(__name__)


def outbox_write(
    *, topic: str, aggregate_type: str, aggregate_id: int, payload: dict, dedupe_key: str
) -> OutboxMessage:
    """Record a side effect in the caller's transaction; the same `dedupe_key` twice writes once.

    Must be called inside the transaction of the change that causes the effect, so a
    rollback takes the effect with it. After commit a worker is nudged; if the broker is
    down the row waits for the periodic sweep, and the caller never sees an error.
    """
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                topic=topic,
                aggregate_type=aggregate_type,
                aggregate_id=aggregate_id,
                payload=payload,
                dedupe_key=dedupe_key,
            )
    except IntegrityError:
        return OutboxMessage.objects.get(dedupe_key=dedupe_key)
    transaction.on_commit(lambda: nudge_relay(message.pk), robust=True)
    return message


def nudge_relay(message_id: int) -> None:
    """Ask a worker to dispatch one outbox row now; harmless to lose (the sweep catches it)."""
    from notifications.tasks import outbox_dispatch_task

    try:
        outbox_dispatch_task.apply_async(args=[message_id], retry=False)
    except Exception:  # the broker may be down; the row is safe in the database
        logger.warning("Could not nudge the outbox relay for message %s", message_id, exc_info=True)
