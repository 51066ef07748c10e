"""Turn outbox rows into deliveries, and attempt deliveries, each exactly once in effect."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.preferences import notification_wanted
from notifications.builtin_messages import EMAIL, IN_APP
from notifications.channels import send
from notifications.models import Delivery, OutboxMessage
from notifications.preferences import notification_kind_of
from notifications.recipients import recipients_for
from notifications.rules import notification_specs_for
from notifications.webhook_subscribers import webhook_subscribers_for

logger = logging.getLogger(__name__)

CLAIM_SECONDS = 300


def _delivery(**fields) -> Delivery | None:
    try:
        with transaction.atomic():
            return Delivery.objects.create(**fields)
    except IntegrityError:
        return None  # made by an earlier run of this dispatch


def outbox_message_dispatch(message_id: int) -> list[int]:
    """Fan one outbox row out into deliveries; returns the ids created now.

    The row is locked (skipped if another worker has it) and marked delivered in the
    same transaction as its deliveries, so running this twice creates nothing twice.
    """
    from orders.models import Order

    created = []
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=OutboxMessage.Status.PENDING)
            .first()
        )
        if message is None:
            return []
        order = None
        if message.aggregate_type == "order":
            order = (
                Order.objects.select_related("contact__user", "manager", "customer__manager")
                .filter(pk=message.aggregate_id)
                .first()
            )
        # A row about something other than an order (a task, an account) names its
        # recipients in the payload; an order row whose order is gone tells nobody.
        kind = notification_kind_of(message.topic)
        if order is not None or message.aggregate_type != "order":
            for spec in notification_specs_for(message.topic, message.payload, order):
                for audience in spec.audiences:
                    for recipient in recipients_for(audience, order, message.payload):
                        for channel in spec.channels:
                            if channel == IN_APP and recipient.user is None:
                                continue
                            if channel == EMAIL and not recipient.email:
                                continue
                            if recipient.user is not None and not notification_wanted(
                                recipient.user, kind=kind, channel=channel
                            ):
                                continue  # switched off on the recipient's profile
                            delivery = _delivery(
                                outbox_message=message,
                                channel=channel,
                                message_key=spec.key,
                                recipient=recipient.user,
                                address=recipient.email if channel == EMAIL else "",
                                language=recipient.language,
                                dedupe_key=f"{message.event_id}:{spec.key}:{channel}:{recipient.key}",
                            )
                            if delivery:
                                created.append(delivery.pk)
        for subscription in webhook_subscribers_for(message.topic):
            delivery = _delivery(
                outbox_message=message,
                channel=Delivery.Channel.WEBHOOK,
                message_key=message.topic,
                address=subscription.url,
                subscription_id=subscription.pk,
                dedupe_key=f"{message.event_id}:webhook:{subscription.pk}",
            )
            if delivery:
                created.append(delivery.pk)
        message.status = OutboxMessage.Status.DELIVERED
        message.delivered_at = timezone.now()
        message.attempts = F("attempts") + 1
        message.save(update_fields=["status", "delivered_at", "attempts"])
    return created


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: base, 2x, 4x ... capped at six hours."""
    base = settings.NOTIFICATIONS_RETRY_BASE_SECONDS
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 6 * 3600))


def _claim(delivery_id: int) -> bool:
    # One UPDATE decides which worker sends; a crashed sender's claim expires.
    now = timezone.now()
    return bool(
        Delivery.objects.filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
            pk=delivery_id,
            status=Delivery.Status.PENDING,
            next_attempt_at__lte=now,
        ).update(claimed_until=now + timedelta(seconds=CLAIM_SECONDS), attempts=F("attempts") + 1)
    )


def delivery_attempt(delivery_id: int) -> str:
    """Send one delivery if it is due and unclaimed; returns what happened.

    Sending happens outside any database transaction: the claim keeps other workers
    off it, and the result is recorded after.
    """
    if not _claim(delivery_id):
        return "skipped"
    delivery = Delivery.objects.select_related("outbox_message", "recipient").get(pk=delivery_id)
    try:
        response_status = send(delivery)
    except Exception as error:  # every channel failure is recorded and retried
        logger.warning("Delivery %s failed: %s", delivery_id, error)
        failed = delivery.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS
        Delivery.objects.filter(pk=delivery_id).update(
            status=Delivery.Status.FAILED if failed else Delivery.Status.PENDING,
            next_attempt_at=timezone.now() + retry_delay(delivery.attempts),
            claimed_until=None,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            response_status=getattr(error, "status", None),
        )
        return "failed" if failed else "retry"
    Delivery.objects.filter(pk=delivery_id).update(
        status=Delivery.Status.DELIVERED,
        delivered_at=timezone.now(),
        claimed_until=None,
        last_error="",
        response_status=response_status,
    )
    return "delivered"


def delivery_retry(delivery: Delivery) -> None:
    """An admin sends a failed delivery again: it becomes due now with a fresh count."""
    Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.FAILED).update(
        status=Delivery.Status.PENDING,
        attempts=0,
        next_attempt_at=timezone.now(),
        claimed_until=None,
    )
