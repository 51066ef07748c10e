"""Reads of the 1C exchange: which orders 1C has still to see."""

from django.db.models import Exists, OuterRef, Q

from integrations.onec.models import IntegrationProfile, OrderExchange
from orders.models import Order

# One query answer holds at most this many orders; the rest come with the next query,
# once 1C acknowledged these: a first exchange with years of orders stays a few megabytes.
BATCH_SIZE = 200


def order_list_to_export(*, profile: IntegrationProfile, limit: int = BATCH_SIZE) -> list[Order]:
    """Orders 1C has not acknowledged in their current version, oldest first.

    New orders count when their kind and state are exported; an order 1C already has is
    sent again after any change, whatever its state now (a cancellation included).
    """
    exchanges = OrderExchange.objects.filter(profile=profile, order=OuterRef("pk"))
    up_to_date = exchanges.filter(acknowledged_version__gte=OuterRef("version"))
    known_and_changed = exchanges.filter(acknowledged_version__lt=OuterRef("version"))
    new_and_exported = Q(kind__in=profile.exported_kinds, state__in=profile.exported_states)
    return list(
        Order.objects.filter(new_and_exported | Q(Exists(known_and_changed)))
        .exclude(Exists(up_to_date))
        .select_related("customer")
        .prefetch_related("lines__item", "payments", "refunds")
        .order_by("created_at", "pk")[:limit]
    )
