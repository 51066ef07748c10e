"""Reads of the 1C exchange: which orders 1C has still to see, and what the admin
portal's pages list."""

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from integrations.onec.export_marks import ExportWindow, export_window
from integrations.onec.models import (
    CatalogImportJob,
    ExchangeLogEntry,
    IntegrationProfile,
    OrderExchange,
)
from orders.models import Order

# One query answer holds at most this many orders; the rest come with the next query,
# once 1C acknowledged these: a first exchange with years of orders stays a few megabytes.
BATCH_SIZE = 200


def order_list_to_export(
    *, profile: IntegrationProfile, limit: int = BATCH_SIZE, window: ExportWindow | None = None
) -> list[Order]:
    """Orders 1C has not acknowledged in their current version, oldest first.

    New orders count when their kind and state are exported; an order 1C already has is
    sent again after any change, whatever its state now (a cancellation included).
    Only the orders `window` holds are read (the profile's own when not given): the
    answer is the same as from every order, without walking the ones 1C has.
    """
    exchanges = OrderExchange.objects.filter(profile=profile, order=OuterRef("pk"))
    up_to_date = exchanges.filter(acknowledged_version__gte=OuterRef("version"))
    known_and_changed = exchanges.filter(acknowledged_version__lt=OuterRef("version"))
    new_and_exported = Q(kind__in=profile.exported_kinds, state__in=profile.exported_states)
    to_send = Order.objects.filter(new_and_exported | Q(Exists(known_and_changed))).exclude(
        Exists(up_to_date)
    )
    window = window or export_window(profile=profile)
    if not window.reads_every_order:
        to_send = Order.objects.filter(pk__in=_first_in_window(to_send, window, profile, limit))
    return list(
        to_send.select_related("customer")
        .prefetch_related("lines__item", "payments", "refunds")
        .order_by("created_at", "pk")[:limit]
    )


def _first_in_window(to_send, window: ExportWindow, profile, limit: int) -> list[int]:
    """The first `limit` orders to send among those the window holds.

    One read per part, each cheap on its own index, merged here: an OR of them would let
    the planner walk the created_at index through every order again.
    """
    touched = OrderExchange.objects.filter(
        profile=profile, updated_at__gte=window.changed_since
    ).values("order_id")
    parts = [
        to_send.filter(updated_at__gte=window.changed_since),
        to_send.filter(pk__in=touched),
    ]
    if window.after is not None:
        parts.append(to_send.filter(window.after_filter()))
    keys = set()
    for part in parts:
        keys.update(part.order_by("created_at", "pk").values_list("created_at", "pk")[:limit])
    return [pk for _created_at, pk in sorted(keys)[:limit]]


def profile_list_with_last_exchange() -> QuerySet[IntegrationProfile]:
    """Every profile with the time and result of its latest call (`last_exchange_at`,
    `last_exchange_result`), active ones first; one query."""
    latest = ExchangeLogEntry.objects.filter(profile=OuterRef("pk")).order_by("-created_at", "-id")
    return IntegrationProfile.objects.annotate(
        last_exchange_at=Subquery(latest.values("created_at")[:1]),
        last_exchange_result=Subquery(latest.values("result")[:1]),
    ).order_by("-is_active", "name")


def log_entry_list(*, profile: IntegrationProfile) -> QuerySet[ExchangeLogEntry]:
    """The profile's calls, newest first."""
    return ExchangeLogEntry.objects.filter(profile=profile).order_by("-created_at", "-id")


def order_exchange_list_held(*, profile: IntegrationProfile) -> QuerySet[OrderExchange]:
    """Orders held back from this profile's batches, with the reason, newest first."""
    return (
        OrderExchange.objects.filter(profile=profile)
        .exclude(held_reason="")
        .select_related("order", "order__customer")
        .order_by("-updated_at", "-id")
    )


def catalog_job_list(*, profile: IntegrationProfile) -> QuerySet[CatalogImportJob]:
    return CatalogImportJob.objects.filter(profile=profile).order_by("-created_at", "-id")
