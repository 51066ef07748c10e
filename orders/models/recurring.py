from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RecurringOrder(models.Model):
    """Repeat an order's lines every period: beat creates the next order when due, once."""

    class Period(models.TextChoices):
        WEEKLY = "weekly", _("Every week")
        BIWEEKLY = "biweekly", _("Every two weeks")
        MONTHLY = "monthly", _("Every month")
        QUARTERLY = "quarterly", _("Every quarter")

    source_order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("order to repeat"),
        on_delete=models.CASCADE,
        related_name="recurring_schedules",
    )
    period = models.CharField(_("period"), max_length=16, choices=Period.choices)
    next_run_at = models.DateTimeField(_("next order at"))
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("recurring order")
        verbose_name_plural = _("recurring orders")
        ordering = ["next_run_at"]
        indexes = [
            models.Index(
                fields=["next_run_at"],
                condition=models.Q(is_active=True),
                name="recurring_due_idx",
            ),
        ]

    def __str__(self):
        return f"{self.source_order} ({self.get_period_display()})"
