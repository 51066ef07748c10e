"""The order desk's rows with their labels and links worked out once per page, not per cell."""

from django.urls import reverse

from core.choice_labels import choice_label, choice_labels
from orders.models import Order


def desk_rows(orders: list[Order]) -> list[Order]:
    """Set `kind_label`, `channel_label`, `delivery_label`, `state_label` and `page_url`."""
    kinds = choice_labels(Order, "kind")
    channels = choice_labels(Order, "channel")
    deliveries = choice_labels(Order, "delivery_method")
    states = choice_labels(Order, "state")
    # One reverse for the page, then each row's id swapped in: same URL, a fiftieth the work.
    page_url = reverse("portals_manager:order_page", args=[0])
    head, tail = page_url.rsplit("/0/", 1)
    for order in orders:
        order.kind_label = choice_label(kinds, order.kind)
        order.channel_label = choice_label(channels, order.channel)
        order.delivery_label = choice_label(deliveries, order.delivery_method)
        order.state_label = choice_label(states, order.state)
        order.page_url = f"{head}/{order.pk}/{tail}"
    return orders
