"""Reads of carts for the client's cart page and the managers' list."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from carts.models import Cart, CartLine
from catalog.selectors import ItemOffer, offer_best_for_items
from core.money import discounted
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
    offer: ItemOffer | None

    @property
    def unit_price(self) -> Decimal:
        return self.line.item.price

    @property
    def discount_percent(self) -> Decimal:
        return self.offer.discount_percent if self.offer else Decimal("0")

    @property
    def total(self) -> Decimal:
        # The same rounding as the order's line total, so the cart and the order agree.
        return discounted(self.line.quantity * self.unit_price, self.discount_percent)


def cart_rows(cart: Cart | None) -> list[CartRow]:
    """The cart's lines priced with today's offers: two queries beyond the cart's own."""
    if cart is None:
        return []
    lines = list(cart.lines.all())
    offers = offer_best_for_items([line.item for line in lines])
    return [CartRow(line=line, offer=offers.get(line.item_id)) for line in lines]


def cart_list_for_manager(*, status: str = "", now=None) -> QuerySet[Cart]:
    """Carts with something in them or an order, newest change first, with `line_count`
    and `value` (at list prices) computed in the same query.

    `status`: "open" (changed recently), "abandoned" (open, untouched for
    ABANDONED_AFTER_DAYS), "submitted", or "" for all.
    """
    stale_before = (now or timezone.now()) - timedelta(days=ABANDONED_AFTER_DAYS)
    value = ExpressionWrapper(
        F("lines__quantity") * F("lines__item__price"),
        output_field=DecimalField(max_digits=28, decimal_places=5),
    )
    carts = (
        Cart.objects.select_related("contact__customer__manager", "order")
        .annotate(line_count=Count("lines"), value=Sum(value))
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
