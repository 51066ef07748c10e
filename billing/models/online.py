import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OnlinePayment(models.Model):
    """One attempt to pay an order by card at the gateway, from creation to its outcome."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the payer")
        SUCCEEDED = "succeeded", _("Paid")
        CANCELED = "canceled", _("Cancelled")

    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("order"),
        on_delete=models.PROTECT,
        related_name="online_payments",
    )
    invoice = models.ForeignKey(
        "orders.Invoice",
        verbose_name=_("invoice"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="online_payments",
    )
    provider = models.CharField(_("provider"), max_length=32, default="yookassa")
    # Sent as the gateway's Idempotence-Key: a retried create returns the same payment.
    idempotence_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    provider_payment_id = models.CharField(
        _("provider payment ID"), max_length=64, null=True, blank=True, unique=True
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="RUB")
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    confirmation_url = models.URLField(_("payment page"), max_length=1000, blank=True)
    payment = models.OneToOneField(
        "orders.Payment",
        verbose_name=_("recorded payment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="online_payment",
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("online payment")
        verbose_name_plural = _("online payments")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.order} {self.amount} ({self.get_status_display()})"

    @property
    def reference(self) -> str:
        """The orders.Payment reference: one payment per gateway payment, however often told."""
        return f"{self.provider}:{self.provider_payment_id}"


class GatewayNotification(models.Model):
    """Every notification the gateway (or anyone) posted to us, with what we made of it."""

    class Outcome(models.TextChoices):
        RECORDED = "recorded", _("Payment recorded")
        DUPLICATE = "duplicate", _("Already processed")
        IGNORED = "ignored", _("Nothing to do")
        REJECTED = "rejected", _("Rejected: not confirmed by the gateway")
        MALFORMED = "malformed", _("Rejected: unreadable")
        UNAVAILABLE = "unavailable", _("Gateway unreachable: to be retried")

    provider = models.CharField(_("provider"), max_length=32, default="yookassa")
    event = models.CharField(_("event"), max_length=64, blank=True)
    provider_payment_id = models.CharField(_("provider payment ID"), max_length=64, blank=True)
    remote_addr = models.GenericIPAddressField(_("sent from"), null=True, blank=True)
    body = models.TextField(_("body"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    detail = models.CharField(_("detail"), max_length=255, blank=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("gateway notification")
        verbose_name_plural = _("gateway notifications")
        ordering = ["-received_at", "-id"]

    def __str__(self):
        return f"{self.event} {self.provider_payment_id}: {self.outcome}"
