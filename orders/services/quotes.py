"""Quotes and the contract: a quote version opened on each entry to `quote`, priced,
sent and accepted; then the contract marked signed."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.money import discounted, line_amount, to_kopecks
from orders import ledger
from orders.actions import OrderAction
from orders.errors import OrderPermissionError, OrderTransitionError, OrderValidationError
from orders.lifecycle import State
from orders.models import Order, Quote
from orders.services.core import (
    _bump,
    _lock,
    _may_process,
    _past_date_refused,
    _record_event,
)
from orders.services.lines import (
    LineInput,
    _apply_totals,
    _decimal,
    _prepare_lines,
    _set_totals,
    _snapshot_lines,
    _write_lines,
)

VALIDITY_IN_PAST = gettext_lazy(
    "The quote's validity date %(date)s is in the past; choose today or a later date."
)


def _open_quote_version(order: Order, *, by) -> Quote:
    """A new draft version from the current lines; every earlier version is superseded."""
    order.quotes.exclude(status=Quote.Status.SUPERSEDED).update(status=Quote.Status.SUPERSEDED)
    last = order.quotes.order_by("-version").values_list("version", flat=True).first() or 0
    return Quote.objects.create(
        order=order,
        version=last + 1,
        lines=_snapshot_lines(order),
        total=order.total,
        created_by=by,
    )


@dataclass
class QuotePricing:
    """What the manager sets on the draft: its `lines` in full (quantities, prices,
    discounts, lines added and removed; delivery and services as lines of their own), or
    only a discount per existing line (by line id) and the extra costs; and the terms the
    client reads."""

    discounts: dict = field(default_factory=dict)
    delivery_cost: Decimal | str = Decimal("0")
    service_cost: Decimal | str = Decimal("0")
    valid_until: date | None = None
    note: str = ""
    lines: list[LineInput] | None = None


def quote_price_draft(*, quote: Quote, pricing: QuotePricing, by) -> Quote:
    """Price the draft quote: its lines (or line discounts and the extra costs), validity
    and note.

    The order's lines and totals follow, so the invoice and payments later ask for what
    the client accepted; the draft's frozen lines are taken again from the order. Given
    `lines`, they replace the order's, and delivery and services are lines among them:
    the lines then add up to the total.
    """
    prepared = None
    if pricing.lines is not None:
        order = quote.order
        prepared = _prepare_lines(pricing.lines, kind=order.kind)
    errors: dict = {}
    costs = {
        key: _decimal(getattr(pricing, key), errors=errors, key=key, minimum=Decimal("0"))
        for key in ("delivery_cost", "service_cost")
    }
    discounts = {
        int(line_id): _decimal(
            value,
            errors=errors,
            key=f"discounts.{line_id}",
            minimum=Decimal("0"),
            maximum=Decimal("100"),
        )
        for line_id, value in pricing.discounts.items()
    }
    if errors:
        raise OrderValidationError(errors)
    with transaction.atomic():
        order = _lock(quote.order)
        quote = Quote.objects.select_for_update().get(pk=quote.pk)
        if not _may_process(order, by):
            raise OrderPermissionError()
        if order.state != State.QUOTE or quote.status != Quote.Status.DRAFT:
            raise OrderTransitionError(_("Only the current draft quote can be priced."))
        if pricing.valid_until != quote.valid_until:
            errors = _past_date_refused("valid_until", pricing.valid_until, VALIDITY_IN_PAST)
            if errors:
                raise OrderValidationError(errors)
        if prepared is not None:
            order.lines.all().delete()
            _write_lines(order, prepared)
            order.delivery_cost = order.service_cost = Decimal("0.00")
            _apply_totals(order, prepared)
        else:
            lines = list(order.lines.order_by("position"))
            for line in lines:
                if line.pk in discounts:
                    line.discount_percent = discounts[line.pk]
                    line.line_total = discounted(
                        line.quantity * line.unit_price, line.discount_percent
                    )
                    line.save(update_fields=["discount_percent", "line_total"])
            order.delivery_cost = to_kopecks(costs["delivery_cost"])
            order.service_cost = to_kopecks(costs["service_cost"])
            _set_totals(
                order,
                [
                    (line_amount(line.quantity, line.unit_price), line.line_total, line.vat_rate)
                    for line in lines
                ],
            )
        quote.lines = _snapshot_lines(order)
        quote.total = order.total
        quote.delivery_cost = order.delivery_cost
        quote.service_cost = order.service_cost
        quote.valid_until = pricing.valid_until
        quote.note = pricing.note.strip()
        quote.save()
        _bump(
            order,
            fields=[
                "delivery_cost",
                "service_cost",
                "subtotal",
                "discount_total",
                "total",
                "vat_total",
            ],
        )
        ledger.rebalance_after_total_change(order, by=by)
        _record_event(
            order,
            action=OrderAction.QUOTE_PRICED,
            by=by,
            from_state=order.state,
            to_state=order.state,
            payload={"quote_version": quote.version, "total": str(quote.total)},
        )
    return quote


def quote_revise(*, order: Order, by, note: str = "") -> Quote:
    """Open version N+1 of a quote already sent (or accepted) while the order is at `quote`.

    The new draft starts from the order's lines as they stand; the manager then changes
    quantities, prices, lines and discounts and sends it. The earlier version is
    superseded at once: the client can no longer accept it, and it stays readable.
    """
    with transaction.atomic():
        locked = _lock(order)
        if not _may_process(locked, by):
            raise OrderPermissionError()
        current = locked.quotes.exclude(status=Quote.Status.SUPERSEDED).order_by("-version").first()
        if locked.state != State.QUOTE:
            raise OrderTransitionError(
                _("A quote can be revised while the order is at the quote stage; amend it.")
            )
        if current is None or current.status == Quote.Status.DRAFT:
            raise OrderTransitionError(_("The current version is a draft: change it as it is."))
        draft = _open_quote_version(locked, by=by)
        _bump(locked)
        _record_event(
            locked,
            action=OrderAction.QUOTE_REVISED,
            by=by,
            from_state=locked.state,
            to_state=locked.state,
            note=note.strip(),
            payload={"quote_version": draft.version, "previous_version": current.version},
        )
    return draft


def quote_send(*, quote: Quote, by, valid_until: date | None = None, note: str = "") -> Quote:
    """Mark the current draft as sent to the client; the client is notified through the outbox."""
    with transaction.atomic():
        order = _lock(quote.order)
        quote = Quote.objects.select_for_update().get(pk=quote.pk)
        if not _may_process(order, by):
            raise OrderPermissionError()
        if order.state != State.QUOTE or quote.status != Quote.Status.DRAFT:
            raise OrderTransitionError(_("Only the current draft quote can be sent."))
        if valid_until is not None and valid_until != quote.valid_until:
            errors = _past_date_refused("valid_until", valid_until, VALIDITY_IN_PAST)
            if errors:
                raise OrderValidationError(errors)
        quote.status = Quote.Status.SENT
        quote.sent_at = timezone.now()
        # What the quote builder set stays unless the caller says otherwise.
        quote.valid_until = valid_until or quote.valid_until
        quote.note = note or quote.note
        quote.save(update_fields=["status", "sent_at", "valid_until", "note"])
        _bump(order)
        _record_event(
            order,
            action=OrderAction.QUOTE_SENT,
            by=by,
            from_state=order.state,
            to_state=order.state,
            payload={"quote_version": quote.version, "total": str(quote.total)},
        )
    return quote


def quote_accept(*, quote: Quote, by) -> Quote:
    """The client (or a manager on their word) accepts the sent quote version."""
    with transaction.atomic():
        order = _lock(quote.order)
        quote = Quote.objects.select_for_update().get(pk=quote.pk)
        if not (_may_process(order, by) or (by is not None and order.belongs_to_client_user(by))):
            raise OrderPermissionError()
        if quote.status == Quote.Status.SUPERSEDED:
            raise OrderTransitionError(
                _("Version %(version)s was replaced by a newer one: accept the current version.")
                % {"version": quote.version}
            )
        if order.state != State.QUOTE or quote.status != Quote.Status.SENT:
            raise OrderTransitionError(_("Only the quote sent last can be accepted."))
        if quote.valid_until and quote.valid_until < timezone.localdate():
            raise OrderTransitionError(_("This quote has expired; ask for a new one."))
        quote.status = Quote.Status.ACCEPTED
        quote.accepted_at = timezone.now()
        quote.accepted_by = by
        quote.save(update_fields=["status", "accepted_at", "accepted_by"])
        _bump(order)
        _record_event(
            order,
            action=OrderAction.QUOTE_ACCEPTED,
            by=by,
            from_state=order.state,
            to_state=order.state,
            payload={"quote_version": quote.version},
        )
    return quote


def contract_mark_signed(*, order: Order, by, signed_at: datetime | None = None) -> Order:
    """Record when the client signed the contract, once: an order at `contract` whose
    contract is signed already raises `OrderTransitionError` (amending the order clears
    the signature, and the new contract is signed again). Writes a `contract_signed` event."""
    with transaction.atomic():
        locked = _lock(order)
        if not _may_process(locked, by):
            raise OrderPermissionError()
        if locked.state != State.CONTRACT:
            raise OrderTransitionError(_("The order is not at the contract stage."))
        if locked.contract_signed_at is not None:
            raise OrderTransitionError(
                _("The contract is already marked signed on %(date)s; it is signed once.")
                % {"date": timezone.localtime(locked.contract_signed_at).strftime("%d.%m.%Y")}
            )
        locked.contract_signed_at = signed_at or timezone.now()
        _bump(locked, fields=["contract_signed_at"])
        _record_event(
            locked,
            action=OrderAction.CONTRACT_SIGNED,
            by=by,
            from_state=locked.state,
            to_state=locked.state,
        )
    return locked
