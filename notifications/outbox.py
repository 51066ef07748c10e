from django.db import IntegrityError, transaction

from notifications.models import OutboxMessage


def outbox_write(
    *, topic: str, aggregate_type: str, aggregate_id: int, payload: dict, dedupe_key: str
) -> OutboxMessage:
    """Record a side effect in the caller's transaction; the same `dedupe_key` twice writes once.

    Must be called inside the transaction of the change that causes the effect, so a
    rollback takes the effect with it.
    """
    try:
        with transaction.atomic():
            return OutboxMessage.objects.create(
                topic=topic,
                aggregate_type=aggregate_type,
                aggregate_id=aggregate_id,
                payload=payload,
                dedupe_key=dedupe_key,
            )
    except IntegrityError:
        return OutboxMessage.objects.get(dedupe_key=dedupe_key)
