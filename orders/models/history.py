from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from orders.actions import OrderAction


class OrderEvent(models.Model):
    """One thing that happened to an order. Append-only: the audit trail is never rewritten."""

    # Indexed by `order_event_order_idx` (order, id), which also serves the key alone.
    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("order"),
        on_delete=models.CASCADE,
        related_name="events",
        db_index=False,
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the system acted."),
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    action = models.CharField(
        _("action"),
        max_length=64,
        choices=OrderAction.choices,
        help_text=_("Transition name or other recorded action."),
    )
    from_state = models.CharField(_("from state"), max_length=20, blank=True)
    to_state = models.CharField(_("to state"), max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)
    payload = models.JSONField(_("details"), default=dict, blank=True)
    feed_position = models.BigIntegerField(
        _("change feed position"),
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text=_("Given after commit, in the order events became visible (orders/feed.py)."),
    )

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["order", "id"]
        indexes = [
            models.Index(fields=["order", "id"], name="order_event_order_idx"),
            models.Index(
                fields=["id"],
                condition=models.Q(feed_position__isnull=True),
                name="order_event_unfed_idx",
            ),
        ]

    def __str__(self):
        return f"{self.action}: {self.from_state} → {self.to_state}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("Order events are never edited."))
        super().save(*args, **kwargs)
