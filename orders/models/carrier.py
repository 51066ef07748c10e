from urllib.parse import quote

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

TRACKING_NUMBER_PLACEHOLDER = "{number}"


class Carrier(models.Model):
    """A delivery company the business ships with; its tracking page is a URL pattern.

    Orders link to it (`Order.shipping_carrier`) and keep its name as text too
    (`Order.carrier`), so an order shipped before carriers were data, or with a carrier
    since removed, still says who carried it.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    tracking_url_pattern = models.CharField(
        _("tracking link"),
        max_length=500,
        blank=True,
        help_text=_(
            "The carrier's tracking page with {number} where the tracking number goes, "
            "e.g. https://www.cdek.ru/ru/tracking?order_id={number}."
        ),
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive carriers are not offered when shipping.")
    )
    position = models.PositiveIntegerField(pgettext_lazy("order of things", "position"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("carrier")
        verbose_name_plural = _("carriers")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def tracking_url(self, number: str) -> str:
        """The tracking page of `number`, or "" without a pattern or a number."""
        if not self.tracking_url_pattern or not number:
            return ""
        return self.tracking_url_pattern.replace(
            TRACKING_NUMBER_PLACEHOLDER, quote(number.strip(), safe="")
        )
