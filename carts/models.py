"""A client's cart, kept in the database so a manager can see what was left in it."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Cart(models.Model):
    """What one client contact is about to order; submitting it creates an order.

    Each contact has at most one open cart. "Abandoned" is not stored: it is an open
    cart nobody touched for a while (see `carts.selectors.ABANDONED_AFTER_DAYS`).
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        SUBMITTED = "submitted", _("Submitted")

    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        on_delete=models.CASCADE,
        related_name="carts",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    order = models.OneToOneField(
        "orders.Order",
        verbose_name=_("order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cart",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    # When the client is next reminded of the items left here; empty for an empty,
    # submitted or fully reminded cart. Set and cleared by `carts.services` only.
    reminder_due_at = models.DateTimeField(_("reminder due"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)

    class Meta:
        verbose_name = _("cart")
        verbose_name_plural = _("carts")
        ordering = ["-updated_at", "-id"]
        constraints = [
            # The database, not a check in Python, keeps two racing requests from
            # opening two carts for one contact.
            models.UniqueConstraint(
                fields=["contact"], condition=Q(status="open"), name="cart_one_open_per_contact"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "updated_at"], name="cart_status_updated_idx"),
            # The reminder sweep reads only the carts with a reminder due.
            models.Index(
                fields=["reminder_due_at"],
                condition=Q(reminder_due_at__isnull=False),
                name="cart_reminder_due_idx",
            ),
        ]

    def __str__(self):
        return f"{self.contact} · {self.get_status_display()}"


class CartLine(models.Model):
    cart = models.ForeignKey(
        Cart, verbose_name=_("cart"), on_delete=models.CASCADE, related_name="lines"
    )
    item = models.ForeignKey(
        "catalog.Item", verbose_name=_("item"), on_delete=models.CASCADE, related_name="+"
    )
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=12,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0.001"))],
    )
    custom_values = models.JSONField(_("order form values"), default=dict, blank=True)
    # Labels as they were when added, so showing a cart costs no query per line.
    custom_labels = models.JSONField(_("order form labels"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("cart line")
        verbose_name_plural = _("cart lines")
        ordering = ["cart", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="cart_line_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.item} × {self.quantity}"

    @property
    def custom_fields_display(self) -> list[tuple[str, object]]:
        return [
            (self.custom_labels.get(name, name), value)
            for name, value in self.custom_values.items()
        ]
