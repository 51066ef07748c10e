from django.db.models import F
from django.utils import timezone

from notifications.models import Notification, OutboxMessage


def notifications_mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications read, or all of them; returns how many changed."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())


def outbox_history_settle(*, after_id: int, before) -> int:
    """Mark the outbox rows written after row `after_id` and dated before `before` delivered,
    without delivering them; returns how many.

    For history written after the fact (the demo's six months of orders): its emails,
    in-app notices and webhooks were due when it happened, not now. Rows from `before`
    on stay pending and go out as usual.
    """
    return OutboxMessage.objects.filter(
        pk__gt=after_id, status=OutboxMessage.Status.PENDING, created_at__lt=before
    ).update(status=OutboxMessage.Status.DELIVERED, delivered_at=F("created_at"))
