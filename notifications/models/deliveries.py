"""Deliveries made from outbox rows, in-app notifications, and admins' rules for them."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from notifications.models.outbox import OutboxMessage


class Delivery(models.Model):
    """One message to one recipient over one channel, made from an outbox row.

    The unique `dedupe_key` (event, channel, recipient) makes fan-out idempotent; a
    delivery stays pending until its channel confirmed it, so a lost task is re-sent by
    the sweep, and the task itself skips what is already delivered.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        IN_APP = "in_app", _("In-app")
        WEBHOOK = "webhook", _("Webhook")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    outbox_message = models.ForeignKey(
        OutboxMessage,
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    message_key = models.CharField(_("message"), max_length=64)
    recipient = models.ForeignKey(
        "accounts.User",
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    address = models.CharField(
        _("address"), max_length=500, blank=True, help_text=_("Email address or webhook URL.")
    )
    subscription_id = models.BigIntegerField(_("webhook subscription"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=8, default="ru")
    dedupe_key = models.CharField(_("deduplication key"), max_length=255, unique=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_until = models.DateTimeField(
        _("being sent until"),
        null=True,
        blank=True,
        help_text=_("A worker sending it holds it until then; after that another may retry."),
    )
    last_error = models.TextField(_("last error"), blank=True)
    response_status = models.PositiveIntegerField(_("response status"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="delivery_pending_due_idx",
            ),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} {self.message_key} → {self.address or self.recipient}"


class Notification(models.Model):
    """An in-app notification: the bell in every portal."""

    recipient = models.ForeignKey(
        "accounts.User",
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("order"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    delivery = models.OneToOneField(
        Delivery, on_delete=models.SET_NULL, null=True, blank=True, related_name="notification"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["recipient", "-created_at"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
        ]

    def __str__(self):
        return self.title


def _staff_role_choices():
    from accounts.roles import STAFF_ROLES

    return [(role.value, role.label) for role in STAFF_ROLES]


def _topic_choices():
    from notifications.topics import topic_choices

    return topic_choices()


class NotificationRule(models.Model):
    """An admin's message for one order topic, replacing that topic's built-in messages.

    A topic with at least one active rule matching the order's workflow (or with no
    workflow) sends only its rules; every other topic keeps the built-in texts. Written
    only through `notifications.rules`; `history` records every change and who made it.
    """

    class Audience(models.TextChoices):
        CLIENT = "client", _("The order's client")
        MANAGER = "manager", _("The order's manager")
        ROLE = "role", _("Everyone with a role")

    topic = models.CharField(_("event"), max_length=64, choices=_topic_choices)
    workflow = models.ForeignKey(
        "orders.Workflow",
        verbose_name=_("workflow"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notification_rules",
        help_text=_("Empty: orders of every workflow."),
    )
    audience = models.CharField(_("recipients"), max_length=16, choices=Audience.choices)
    role = models.CharField(_("role"), max_length=16, choices=_staff_role_choices, blank=True)
    channels = models.JSONField(_("channels"), default=list)
    subject_template = models.CharField(_("subject"), max_length=255)
    body_template = models.TextField(_("text"))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    # The history row has its date and user.
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at", "updated_by"])

    class Meta:
        verbose_name = _("notification rule")
        verbose_name_plural = _("notification rules")
        ordering = ["topic", "id"]
        indexes = [
            # Dispatch asks, per event, for the active rules of one topic.
            models.Index(
                fields=["topic"], condition=models.Q(is_active=True), name="notif_rule_active_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(audience="role") & ~models.Q(role=""))
                | (~models.Q(audience="role") & models.Q(role="")),
                name="notif_rule_role_iff_role_audience",
            ),
        ]

    def __str__(self):
        return f"{self.topic} → {self.get_audience_display()}"

    @property
    def audience_key(self) -> str:
        """The audience as `notifications.recipients` names it."""
        return f"role:{self.role}" if self.audience == self.Audience.ROLE else self.audience
