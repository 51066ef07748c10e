"""Reads of carts for the client's cart page and the managers' list."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from carts.models import Cart, CartLine
from catalog.pricing import ItemPrice, item_prices
from catalog.selectors import ItemOffer
from orders.models import OrderLine

# An open cart nobody changed for this long counts as abandoned on the managers' page.
ABANDONED_AFTER_DAYS = 3


def _contact_id(user) -> int | None:
    if not user.is_authenticated or not user.has_perm("orders.act_as_client"):
        return None
    contact = getattr(user, "contact", None)
    return contact.pk if contact is not None else None


def cart_get_open_for_user(*, user) -> Cart | None:
    """The user's open cart with its lines, items and categories: two queries."""
    contact_id = _contact_id(user)
    if contact_id is None:
        return None
    lines = CartLine.objects.select_related("item__category").order_by("id")
    return (
        Cart.objects.filter(contact_id=contact_id, status=Cart.Status.OPEN)
        .prefetch_related(Prefetch("lines", queryset=lines))
        .first()
    )


def cart_line_count_for_user(*, user) -> int:
    contact_id = _contact_id(user)
    if contact_id is None:
        return 0
    return CartLine.objects.filter(
        cart__contact_id=contact_id, cart__status=Cart.Status.OPEN
    ).count()


def cart_line_get_for_user(*, user, line_id) -> CartLine:
    """A line of the user's own open cart; 404 for anyone else's, or once submitted."""
    contact_id = _contact_id(user)
    try:
        return CartLine.objects.select_related("item", "cart").get(
            pk=line_id, cart__contact_id=contact_id, cart__status=Cart.Status.OPEN
        )
    except (CartLine.DoesNotExist, ValueError, TypeError) as error:
        raise Http404("No such cart line") from error


def cart_get_submitted_for_user(*, user, cart_id) -> Cart:
    """The user's submitted cart with its order, the order's lines and manager; else 404."""
    contact_id = _contact_id(user)
    order_lines = OrderLine.objects.order_by("position")
    try:
        return (
            Cart.objects.select_related("order__manager", "contact__customer__manager")
            .prefetch_related(Prefetch("order__lines", queryset=order_lines))
            .get(
                pk=cart_id,
                contact_id=contact_id,
                status=Cart.Status.SUBMITTED,
                order__isnull=False,
            )
        )
    except (Cart.DoesNotExist, ValueError, TypeError) as error:
        raise Http404("No such cart") from error


@dataclass(frozen=True)
class CartRow:
    line: CartLine
    price: ItemPrice

    @property
    def unit_price(self) -> Decimal:
        return self.price.unit_price

    @property
    def offer(self) -> ItemOffer | None:
        return self.price.offer

    @property
    def discount_percent(self) -> Decimal:
        return self.price.discount_percent

    @property
    def total(self) -> Decimal:
        return self.price.line_total(self.line.quantity)


def cart_rows(cart: Cart | None) -> list[CartRow]:
    """The cart's lines priced as its order will be (`catalog.pricing`): two queries beyond
    the cart's own."""
    if cart is None:
        return []
    lines = list(cart.lines.all())
    prices = item_prices({line.item_id: line.item for line in lines}.values())
    return [CartRow(line=line, price=prices[line.item_id]) for line in lines]


def cart_total(rows: list[CartRow]) -> Decimal:
    """What the order placed from the cart now comes to: the sum of its line totals."""
    return sum((row.total for row in rows), Decimal("0.00"))


def cart_values(carts: list[Cart]) -> dict[int, Decimal]:
    """Each cart's value by id, as the client's cart page shows it: a submitted cart's is
    its order's total (today's offers may differ from the day it was placed), an open
    cart's what its order would come to now. Three queries whatever the number of carts;
    the carts need their `order` loaded."""
    open_ids = [cart.pk for cart in carts if cart.order_id is None]
    lines = list(
        CartLine.objects.filter(cart_id__in=open_ids).select_related("item__category")
        if open_ids
        else []
    )
    prices = item_prices({line.item_id: line.item for line in lines}.values())
    values = {cart.pk: cart.order.total for cart in carts if cart.order_id is not None}
    for cart_id in open_ids:
        values[cart_id] = Decimal("0.00")
    for line in lines:
        values[line.cart_id] += prices[line.item_id].line_total(line.quantity)
    return values


def cart_list_for_manager(*, status: str = "", now=None) -> QuerySet[Cart]:
    """Carts with something in them or an order, newest change first, with `line_count`
    computed in the same query (their values: `cart_values`).

    `status`: "open" (changed recently), "abandoned" (open, untouched for
    ABANDONED_AFTER_DAYS), "submitted", or "" for all.
    """
    stale_before = (now or timezone.now()) - timedelta(days=ABANDONED_AFTER_DAYS)
    carts = (
        Cart.objects.select_related("contact__customer__manager", "order")
        .annotate(line_count=Count("lines"))
        .filter(Q(line_count__gt=0) | Q(order__isnull=False))
        .order_by("-updated_at", "-id")
    )
    if status == "open":
        carts = carts.filter(status=Cart.Status.OPEN, updated_at__gte=stale_before)
    elif status == "abandoned":
        carts = carts.filter(status=Cart.Status.OPEN, updated_at__lt=stale_before)
    elif status == "submitted":
        carts = carts.filter(status=Cart.Status.SUBMITTED)
    return carts


def cart_is_abandoned(cart: Cart, *, now=None) -> bool:
    stale_before = (now or timezone.now()) - timedelta(days=ABANDONED_AFTER_DAYS)
    return cart.status == Cart.Status.OPEN and cart.updated_at < stale_before
