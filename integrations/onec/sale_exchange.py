"""The orders half of the sale exchange: what a `query` sends and what `success` confirms.

Nothing counts as delivered to 1C until it says `success`: a query only marks each order
pending with the version it carried, a repeated query sends the same orders again, and
`success` acknowledges exactly the orders of the last query. An order changed between the
two is acknowledged in the version 1C has and goes again with the next query.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from integrations.onec.export_marks import export_mark_record, export_window
from integrations.onec.models import (
    ExchangeLogEntry,
    ExchangeSession,
    IntegrationProfile,
    OrderExchange,
)
from integrations.onec.order_checks import order_document_checked
from integrations.onec.order_documents import DocumentBuilder, serialize
from integrations.onec.profiles import log_write
from integrations.onec.selectors import BATCH_SIZE, order_list_to_export


@dataclass
class QueryAnswer:
    body: bytes
    content_type: str
    log_entry: ExchangeLogEntry


def sale_query(*, profile: IntegrationProfile, session: ExchangeSession | None) -> QueryAnswer:
    """The document of every order 1C has still to see (held-back ones left out), with the
    query logged and each order marked pending on it."""
    # Taken before the read: what is written from here on is the next pass's to look at.
    window = export_window(profile=profile)
    orders = order_list_to_export(profile=profile, limit=BATCH_SIZE, window=window)
    builder = DocumentBuilder(profile)
    root = builder.root(version=profile.schema_version, now=timezone.now())
    sent, held = [], []
    for order in orders:
        document, problems = order_document_checked(order, profile=profile, builder=builder)
        if document is None:
            held.append((order, problems))
        else:
            root.append(document)
            sent.append(order)
    body = serialize(root, profile=profile)
    with transaction.atomic():
        entry = log_write(
            profile=profile,
            exchange_type="sale",
            mode="query",
            result=ExchangeLogEntry.Result.SUCCESS,
            response_size=len(body),
            orders_sent=[order.number for order in sent],
            orders_held=[{"number": order.number, "reasons": reasons} for order, reasons in held],
        )
        _mark(profile, sent, held, entry)
        export_mark_record(profile=profile, window=window, orders=orders, limit=BATCH_SIZE)
        if session is not None:
            session.last_query = entry
            session.save(update_fields=["last_query"])
    return QueryAnswer(body=body, content_type=_content_type(profile), log_entry=entry)


def _content_type(profile: IntegrationProfile) -> str:
    return f"application/xml; charset={profile.encoding}"


def _mark(profile, sent, held, entry) -> None:
    # One upsert for the batch: the unique (profile, order) pair, not a read first, decides
    # whether a row exists.
    rows = [
        OrderExchange(
            profile=profile,
            order=order,
            pending_query=entry,
            pending_version=order.version,
            held_reason="",
        )
        for order in sent
    ] + [
        OrderExchange(
            profile=profile,
            order=order,
            pending_query=None,
            pending_version=None,
            held_reason="\n".join(reasons),
        )
        for order, reasons in held
    ]
    if rows:
        OrderExchange.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["profile", "order"],
            update_fields=["pending_query", "pending_version", "held_reason", "updated_at"],
        )


def sale_success(*, profile: IntegrationProfile, session: ExchangeSession | None) -> list[str]:
    """Acknowledge the orders of the last query (the session's, else the profile's latest);
    returns their numbers."""
    query = session.last_query if session is not None else None
    if query is None:
        query = profile.log_entries.filter(exchange_type="sale", mode="query").first()
    if query is None:
        return []
    with transaction.atomic():
        pending = OrderExchange.objects.filter(profile=profile, pending_query=query)
        numbers = list(pending.order_by("order__number").values_list("order__number", flat=True))
        pending.update(
            acknowledged_version=F("pending_version"),
            acknowledged_at=timezone.now(),
            pending_query=None,
            pending_version=None,
            updated_at=timezone.now(),
        )
    return numbers


def order_exchange_resend(*, exchange: OrderExchange) -> OrderExchange:
    """Send the order to 1C again with the next query ("send again" on the admin pages).

    1C's acknowledgement is forgotten and a held-back order's reason cleared: the next
    query checks the order afresh and sends it, or holds it back again with today's reason.
    """
    exchange.acknowledged_version = None
    exchange.acknowledged_at = None
    exchange.held_reason = ""
    exchange.save(
        update_fields=["acknowledged_version", "acknowledged_at", "held_reason", "updated_at"]
    )
    return exchange
