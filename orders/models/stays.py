from django.db import models
from django.utils.translation import gettext_lazy as _

from orders.lifecycle import OrderKind


class StageStay(models.Model):
    """One stay of an order in a state: from the state change that entered it to the next one.

    Derived from the order's events (orders/stage_stays.py writes it with each state change
    and backfilled it once), so that the reports read a row per stay instead of ranking
    every order's events by time. The order's kind and creation time are copied here
    (neither changes) because the reports pick stays by them.
    """

    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("order"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # stage_stay_order_idx leads with it
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OrderKind.choices)
    order_created_at = models.DateTimeField(_("order created"))
    state = models.CharField(_("state"), max_length=20)
    entered_at = models.DateTimeField(_("entered"))
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    # Whole microseconds, so sums and percentiles are exact; empty while the order is here.
    microseconds = models.BigIntegerField(_("length, µs"), null=True, blank=True)
    first_visit = models.BooleanField(
        _("first visit"), help_text=_("The order's first stay in this state.")
    )
    first_moved_on = models.BooleanField(
        _("first moved on"),
        default=False,
        help_text=_("The order's first stay in this state that it left for a further stage."),
    )

    class Meta:
        verbose_name = _("stage stay")
        verbose_name_plural = _("stage stays")
        constraints = [
            # The stay a state change ends is found by this index.
            models.UniqueConstraint(
                fields=["order"],
                condition=models.Q(left_at__isnull=True),
                name="stage_stay_open_uniq",
            ),
        ]
        indexes = [
            models.Index(fields=["order", "state"], name="stage_stay_order_idx"),
            # The funnel and the stage times read the stays of sales orders created in a
            # period, both in one range scan (orders/reports.py), each with what they
            # aggregate included.
            models.Index(
                fields=["order_created_at"],
                include=["state", "microseconds", "first_visit", "first_moved_on"],
                condition=~models.Q(kind=OrderKind.SUPPORT),
                name="stage_stay_period_idx",
            ),
        ]

    def __str__(self):
        return f"{self.order_id}: {self.state}"
