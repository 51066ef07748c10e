"""Reads shared by portals and the API: scoped to what the user may see, with their joins."""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from orders.models import Order, OrderEvent, OrderLine

VIEW_ALL_ORDERS = "orders.view_all_orders"


def _base() -> QuerySet[Order]:
    return Order.objects.select_related("customer", "contact", "manager", "workflow")


def order_list_for_user(*, user) -> QuerySet[Order]:
    """Every order for staff who see all; a client's own company's orders; nothing otherwise."""
    if not user.is_authenticated or not user.is_active:
        return Order.objects.none()
    if user.has_perm(VIEW_ALL_ORDERS):
        return _base()
    contact = getattr(user, "contact", None)
    if contact is not None and user.has_perm("orders.act_as_client"):
        return _base().filter(customer_id=contact.customer_id)
    return Order.objects.none()


def order_get_for_user(*, user, order_id) -> Order:
    """One order with its lines, events and quotes; 404 when it is not the user's to see."""
    queryset = order_list_for_user(user=user).prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.select_related("item").order_by("position")),
        Prefetch("events", queryset=OrderEvent.objects.select_related("actor").order_by("id")),
        "quotes",
        "payments",
    )
    try:
        return queryset.get(pk=order_id)
    except (Order.DoesNotExist, ValueError, TypeError) as error:
        raise Http404("No such order") from error


@dataclass(frozen=True)
class TransitionOption:
    name: str
    label: str
    target: str
    requires_reason: bool


def order_available_transitions(*, order: Order, user) -> list[TransitionOption]:
    """What `user` may do with `order` now: permitted and with every condition met."""
    options = []
    for transition in order.get_available_user_state_transitions(user):
        if transition.custom.get("internal"):
            continue  # taken through its own service (amending needs new lines)
        options.append(
            TransitionOption(
                name=transition.name,
                label=str(transition.custom.get("label", transition.name)),
                target=transition.target,
                requires_reason=bool(transition.custom.get("requires_reason")),
            )
        )
    return options
