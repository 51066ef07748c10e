"""The outbox row: its own module, importing no app, so every app can write to it."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """A side effect waiting to leave the system, written in the transaction that caused it.

    Workers deliver rows after commit; `dedupe_key` makes writing the same effect twice
    a no-op, and `event_id` lets consumers drop a redelivery.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    event_id = models.UUIDField(_("event ID"), default=uuid.uuid4, unique=True, editable=False)
    topic = models.CharField(_("topic"), max_length=64)
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, unique=True)
    aggregate_type = models.CharField(_("object type"), max_length=32)
    aggregate_id = models.BigIntegerField(_("object ID"))
    payload = models.JSONField(_("payload"), default=dict)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    available_at = models.DateTimeField(_("due"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["id"]
        indexes = [
            # The relay scans only what is due: pending rows by due time.
            models.Index(
                fields=["available_at"],
                condition=models.Q(status="pending"),
                name="outbox_pending_due_idx",
            ),
            models.Index(fields=["aggregate_type", "aggregate_id"], name="outbox_aggregate_idx"),
        ]

    def __str__(self):
        return f"{self.topic} #{self.aggregate_id} ({self.get_status_display()})"
