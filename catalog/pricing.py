"""What a catalog item costs on a day: its list price less the best special offer valid
then. The one rule the cart, its checkout, a repeated order and a recurring order price
by, so the figure a page shows before an order is placed is the order's total after.

The customer's standing discount is not part of it: a manager gives it in the quote
(the quote builder starts discounted lines from it).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from catalog.models import Item
from catalog.selectors import ItemOffer, offer_best_for_items
from core.money import discounted

NO_DISCOUNT = Decimal("0")


@dataclass(frozen=True)
class ItemPrice:
    unit_price: Decimal
    offer: ItemOffer | None = None

    @property
    def discount_percent(self) -> Decimal:
        return self.offer.discount_percent if self.offer else NO_DISCOUNT

    def line_total(self, quantity) -> Decimal:
        # The rounding of the order's line total (`orders.services.lines`), so both agree.
        return discounted(Decimal(quantity) * self.unit_price, self.discount_percent)


def item_prices(items: Iterable[Item], *, on: date | None = None) -> dict[int, ItemPrice]:
    """Each item's price on `on` (today), by item id: two queries when an offer is current.

    Items need their category loaded (`select_related("category")`), or each costs a query.
    """
    items = list(items)
    offers = offer_best_for_items(items, on=on)
    return {item.pk: ItemPrice(unit_price=item.price, offer=offers.get(item.pk)) for item in items}


def prices_note(on: date) -> str:
    """What a confirmation says of an order priced by this rule on `on`."""
    return _("Prices and offers as of %(date)s") % {"date": date_format(on, "d.m.Y")}
