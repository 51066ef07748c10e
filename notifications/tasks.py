"""Celery tasks: ids in, idempotent, short (well under half the broker's visibility timeout)."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from notifications.dispatch import delivery_attempt, outbox_message_dispatch
from notifications.models import Delivery, OutboxMessage

SWEEP_BATCH = 500


def _enqueue_deliveries(delivery_ids):
    for delivery_id in delivery_ids:
        delivery_task.apply_async(args=[delivery_id], retry=False)


@shared_task(acks_late=True)
def outbox_dispatch_task(message_ids):
    """One nudge per committed transaction: the outbox rows it wrote (one id from older nudges)."""
    if isinstance(message_ids, int):
        message_ids = [message_ids]
    created = []
    for message_id in message_ids:
        created += outbox_message_dispatch(message_id)
    _enqueue_deliveries(created)
    return len(created)


@shared_task(acks_late=True)
def delivery_task(delivery_id):
    outcome = delivery_attempt(delivery_id)
    if outcome == "retry":
        delay = Delivery.objects.values_list("next_attempt_at", flat=True).get(pk=delivery_id)
        delivery_task.apply_async(args=[delivery_id], eta=delay, retry=False)
    return outcome


@shared_task(acks_late=True)
def notifications_sweep_task():
    """Beat runs this every minute: dispatch forgotten outbox rows, resend due deliveries.

    Both scans read partial indexes on the due time of pending rows only.
    """
    # A pending row this old was nudged and not handled: its task was lost (broker down,
    # worker killed), so the sweep sends it again; consumers dedupe.
    stale_before = timezone.now() - timedelta(seconds=settings.NOTIFICATIONS_STALE_SECONDS)
    message_ids = list(
        OutboxMessage.objects.filter(
            status=OutboxMessage.Status.PENDING, available_at__lte=stale_before
        )
        .order_by("available_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for message_id in message_ids:
        _enqueue_deliveries(outbox_message_dispatch(message_id))
    due = list(
        Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=stale_before)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    _enqueue_deliveries(due)
    return {"dispatched": len(message_ids), "resent": len(due)}
