from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from orders.actions import OrderAction

# An event that moved the order to another state (not a payment, note or other fact
# recorded in the state it was in): what the reports' stage times and funnel read.
STATE_CHANGE = ~models.Q(from_state=models.F("to_state")) & ~models.Q(to_state="")


class OrderEvent(models.Model):
    """One thing that happened to an order. Append-only: the audit trail is never rewritten."""

    order = models.ForeignKey(
        "orders.Order", verbose_name=_("order"), on_delete=models.CASCADE, related_name="events"
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
            # Revenue reports read the closings of a period.
            models.Index(
                fields=["created_at"],
                condition=models.Q(to_state="closed"),
                name="order_event_closed_idx",
            ),
            # The reports read each order's state changes in time order (a window per order);
            # the included columns spare a visit to the table for each of them.
            models.Index(
                fields=["order", "created_at", "id"],
                include=["action", "from_state", "to_state"],
                condition=STATE_CHANGE,
                name="order_event_change_idx",
            ),
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
