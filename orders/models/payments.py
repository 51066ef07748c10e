from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.choice_labels import ChoiceLabelsMixin


class Payment(ChoiceLabelsMixin, models.Model):
    """Money received for an order: a fact from outside, recorded whatever the order's state."""

    class Method(models.TextChoices):
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        CARD = "card", _("Card")
        CASH = "cash", _("Cash")
        BALANCE = "balance", _("From account balance")
        BONUS = "bonus", _("Bonus points")

    order = models.ForeignKey(
        "orders.Order", verbose_name=_("order"), on_delete=models.PROTECT, related_name="payments"
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    method = models.CharField(
        _("method"), max_length=16, choices=Method.choices, default=Method.BANK_TRANSFER
    )
    reference = models.CharField(
        pgettext_lazy("payment", "reference"),
        max_length=100,
        blank=True,
        help_text=_("Bank or provider reference; the same reference is recorded once."),
    )
    provider = models.CharField(
        _("provider"),
        max_length=32,
        blank=True,
        help_text=_("The payment service that took the money online, e.g. yookassa."),
    )
    invoice = models.ForeignKey(
        "orders.Invoice",
        verbose_name=_("invoice"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="payments",
    )
    paid_at = models.DateTimeField(_("paid at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["order", "paid_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "reference"],
                condition=~Q(reference=""),
                name="payment_reference_unique_per_order",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]

    def __str__(self):
        return f"{self.order}: {self.amount}"


class Invoice(ChoiceLabelsMixin, models.Model):
    """A request for payment (счёт на оплату): a prepayment or the final settlement."""

    class Kind(models.TextChoices):
        PREPAYMENT = "prepayment", _("Prepayment")
        FINAL = "final", _("Final payment")

    class Status(models.TextChoices):
        ISSUED = "issued", _("Awaiting payment")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", pgettext_lazy("invoice status", "Cancelled")

    number = models.CharField(_("number"), max_length=32, unique=True)
    order = models.ForeignKey(
        "orders.Order", verbose_name=_("order"), on_delete=models.PROTECT, related_name="invoices"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    due_date = models.DateField(_("pay by"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ISSUED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("issued"), auto_now_add=True)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["order", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="invoice_amount_positive"),
        ]

    def __str__(self):
        return self.number


class Refund(models.Model):
    """Money returned on a payment; the order's paid amount is payments minus refunds."""

    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="refunds"
    )
    order = models.ForeignKey(
        "orders.Order", verbose_name=_("order"), on_delete=models.PROTECT, related_name="refunds"
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=255)
    provider_reference = models.CharField(_("provider reference"), max_length=100, blank=True)
    # One per user action (the refund form carries it), sent to the gateway as its
    # Idempotence-Key: a double click or a retried request finds the refund it made.
    # Empty on refunds recorded before keys existed.
    idempotence_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("refunded"), auto_now_add=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["order", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
        ]

    def __str__(self):
        return f"{self.order}: −{self.amount}"
