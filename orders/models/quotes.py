from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.choice_labels import ChoiceLabelsMixin


class Quote(ChoiceLabelsMixin, models.Model):
    """A version of the commercial proposal (КП). Amending the order adds a version;
    earlier ones stay as they were, with their lines frozen in `lines`."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent to client")
        ACCEPTED = "accepted", _("Accepted")
        SUPERSEDED = "superseded", _("Superseded")

    order = models.ForeignKey(
        "orders.Order", verbose_name=_("order"), on_delete=models.CASCADE, related_name="quotes"
    )
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    lines = models.JSONField(_("lines"), default=list)
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2)
    delivery_cost = models.DecimalField(
        _("delivery cost"), max_digits=14, decimal_places=2, default=0
    )
    service_cost = models.DecimalField(
        _("service cost"),
        max_digits=14,
        decimal_places=2,
        default=0,
        help_text=_("Assembly, installation and other work priced on top of the lines."),
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["order", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["order", "version"], name="quote_version_unique"),
        ]
        indexes = [
            models.Index(
                fields=["sent_at"],
                condition=models.Q(status="sent", reminded_at__isnull=True),
                name="quote_awaiting_idx",
            ),
        ]

    def __str__(self):
        return f"{self.order} v{self.version}"


class QuoteTemplate(models.Model):
    """A text block managers start a quote's note from: terms, warranty, delivery promises."""

    name = models.CharField(_("name"), max_length=200)
    body = models.TextField(_("text"))
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("quote template")
        verbose_name_plural = _("quote templates")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name
