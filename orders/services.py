"""The only code that creates orders and changes their state.

Every write here follows one shape: open a transaction, lock the order row, check,
change, save, append an `OrderEvent`, write outbox rows for the side effects. Portals,
the API, the admin, tasks and commands call these functions and nothing else.
"""

import logging
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from catalog.models import Item
from catalog.order_forms import order_form_fields, validate_custom_values
from notifications.outbox import outbox_write
from orders import money
from orders.business_hours import NoWorkingTimeError, add_business_hours
from orders.errors import (
    OrderConflictError,
    OrderPermissionError,
    OrderTransitionError,
    OrderValidationError,
)
from orders.lifecycle import DeliveryStatus, OrderKind, PaymentTerms, State, initial_state_for
from orders.models import (
    BusinessCalendar,
    Invoice,
    Order,
    OrderEvent,
    OrderLine,
    Payment,
    Quote,
    RecurringOrder,
    Refund,
)
from orders.numbering import order_number_next
from orders.workflows import workflow_for
from tasks.services import tasks_close_for_stage_exit, tasks_create_for_stage_entry

CENT = Decimal("0.01")

logger = logging.getLogger(__name__)


@dataclass
class LineInput:
    item: Item | int | str
    quantity: Decimal | int | str
    unit_price: Decimal | str | None = None
    discount_percent: Decimal | str = Decimal("0")
    custom_values: dict = field(default_factory=dict)


@dataclass
class _PreparedLine:
    item: Item
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    custom_values: dict
    custom_labels: dict

    @property
    def total(self) -> Decimal:
        gross = self.quantity * self.unit_price
        return (gross * (1 - self.discount_percent / 100)).quantize(CENT, ROUND_HALF_UP)

    @property
    def gross(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(CENT, ROUND_HALF_UP)


def _decimal(value, *, errors, key, minimum=None, maximum=None):
    try:
        number = Decimal(str(value))
    except (ArithmeticError, ValueError, TypeError):
        errors[key] = [_("Enter a number.")]
        return None
    if not number.is_finite():
        errors[key] = [_("Enter a number.")]
        return None
    if minimum is not None and number < minimum:
        errors[key] = [_("Must be at least %(minimum)s.") % {"minimum": minimum}]
        return None
    if maximum is not None and number > maximum:
        errors[key] = [_("Must be at most %(maximum)s.") % {"maximum": maximum}]
        return None
    return number


def _resolve_item(reference) -> Item | None:
    if isinstance(reference, Item):
        return reference
    return Item.objects.select_related("category").filter(pk=reference).first()


def _prepare_lines(lines: list[LineInput], *, kind: str) -> list[_PreparedLine]:
    """Validate every line against its item's order form; all errors at once, nothing saved."""
    errors: dict[str, list[str]] = {}
    prepared = []
    if not lines and kind != OrderKind.SUPPORT:
        raise OrderValidationError({"lines": [_("Add at least one item to the order.")]})
    for index, line in enumerate(lines):
        prefix = f"lines.{index}"
        item = _resolve_item(line.item)
        if item is None:
            errors[f"{prefix}.item"] = [_("No such item in the catalog.")]
            continue
        if not item.is_active:
            errors[f"{prefix}.item"] = [_("This item is no longer sold.")]
        quantity = _decimal(
            line.quantity, errors=errors, key=f"{prefix}.quantity", minimum=Decimal("0.001")
        )
        unit_price = (
            item.price
            if line.unit_price is None
            else _decimal(line.unit_price, errors=errors, key=f"{prefix}.unit_price", minimum=0)
        )
        discount = _decimal(
            line.discount_percent,
            errors=errors,
            key=f"{prefix}.discount_percent",
            minimum=0,
            maximum=100,
        )
        fields = order_form_fields(item)
        try:
            custom_values = validate_custom_values(item, line.custom_values or {}, fields=fields)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors[f"{prefix}.custom_values.{name}"] = messages
            custom_values = None
        if quantity is None or unit_price is None or discount is None or custom_values is None:
            continue
        labels = {field.name: field.label for field in fields if field.name in custom_values}
        prepared.append(_PreparedLine(item, quantity, unit_price, discount, custom_values, labels))
    if errors:
        raise OrderValidationError(errors)
    return prepared


def _vat_included(amount: Decimal, rate: int) -> Decimal:
    if rate <= 0:
        return Decimal("0")
    return (amount * rate / (100 + rate)).quantize(CENT, ROUND_HALF_UP)


def _apply_totals(order: Order, prepared: list[_PreparedLine]) -> None:
    """Totals come from the lines; prices include VAT, as Russian retail prices do."""
    _set_totals(
        order,
        [(line.gross, line.total, line.item.vat_rate) for line in prepared],
    )


def _set_totals(order: Order, lines: list[tuple[Decimal, Decimal, int]]) -> None:
    """From (gross, total, VAT rate) per line, plus the order's delivery and service costs,
    which carry the highest VAT rate of the lines, as the goods they serve."""
    extras = Decimal(order.delivery_cost) + Decimal(order.service_cost)
    order.subtotal = sum((gross for gross, _total, _rate in lines), Decimal("0")) + extras
    order.total = sum((total for _gross, total, _rate in lines), Decimal("0")) + extras
    order.discount_total = order.subtotal - order.total
    extras_rate = max((rate for _gross, _total, rate in lines), default=-1)
    order.vat_total = sum(
        (_vat_included(total, rate) for _gross, total, rate in lines), Decimal("0")
    ) + _vat_included(extras, extras_rate)


def _write_lines(order: Order, prepared: list[_PreparedLine]) -> None:
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            position=position,
            item=line.item,
            name=line.item.name,
            quantity=line.quantity,
            unit=line.item.unit,
            unit_price=line.unit_price,
            discount_percent=line.discount_percent,
            vat_rate=line.item.vat_rate,
            line_total=line.total,
            custom_values=line.custom_values,
            custom_labels=line.custom_labels,
        )
        for position, line in enumerate(prepared, start=1)
    )


def _record_event(order, *, action, by, from_state="", to_state="", note="", payload=None):
    """Append the event and its outbox row; the caller holds the transaction."""
    event = OrderEvent.objects.create(
        order=order,
        actor=by,
        action=action,
        from_state=from_state,
        to_state=to_state,
        note=note,
        payload=payload or {},
    )
    outbox_write(
        topic=f"order.{action}",
        aggregate_type="order",
        aggregate_id=order.pk,
        payload={
            "order_id": order.pk,
            "number": order.number,
            "action": action,
            "from_state": from_state,
            "to_state": to_state,
            "actor_id": by.pk if by else None,
            "event_id": event.pk,
            **(payload or {}),
        },
        dedupe_key=f"order-event:{event.pk}",
    )
    return event


def _lock(order: Order, *, expected_state: str | None = None, expected_version: int | None = None):
    """Re-read the order under a row lock; refuse if it moved since the caller read it."""
    # `of`: PostgreSQL cannot lock the nullable side of the workflow join.
    locked = (
        Order.objects.select_for_update(of=("self",)).select_related("workflow").get(pk=order.pk)
    )
    if expected_state is not None and locked.state != expected_state:
        raise OrderConflictError()
    if expected_version is not None and locked.version != expected_version:
        raise OrderConflictError()
    return locked


def _snapshot_lines(order: Order) -> list[dict]:
    return [
        {
            "item_id": line.item_id,
            "name": line.name,
            "quantity": str(line.quantity),
            "unit": line.unit,
            "unit_price": str(line.unit_price),
            "discount_percent": str(line.discount_percent),
            "vat_rate": line.vat_rate,
            "line_total": str(line.line_total),
            "custom_values": line.custom_values,
            "custom_labels": line.custom_labels,
        }
        for line in order.lines.order_by("position")
    ]


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


# Creating orders


def order_create(
    *,
    customer,
    kind: str,
    lines: list[LineInput],
    by,
    channel: str,
    contact=None,
    manager=None,
    payment_terms: str | None = None,
    currency: str = "RUB",
    external_id: str = "",
    comment: str = "",
    service_date: date | None = None,
    service_place: str = "",
    priority: str = Order.Priority.NORMAL,
    recurring: tuple[RecurringOrder, datetime] | None = None,
    subject: str = "",
    related_order: Order | None = None,
) -> Order:
    """Create an order in its first state with its lines, a number, a `created` event and an
    outbox row. `by` is staff who process orders, a client user of `customer`, or None
    (the system). Raises `OrderPermissionError`, or `OrderValidationError` naming every
    bad field; then nothing is saved."""
    if kind not in OrderKind.values:
        raise OrderValidationError({"kind": [_("Unknown order kind.")]})
    if not _may_place_order(customer, by):
        raise OrderPermissionError()
    if contact is not None and contact.customer_id != customer.pk:
        raise OrderValidationError({"contact": [_("This contact belongs to another customer.")]})
    if related_order is not None and related_order.customer_id != customer.pk:
        raise OrderValidationError({"related_order": [_("Choose one of the customer's orders.")]})
    prepared = _prepare_lines(lines, kind=kind)
    workflow = workflow_for(kind=kind, customer=customer, items=[line.item for line in prepared])
    with transaction.atomic():
        now = timezone.now()
        order = Order(
            state=initial_state_for(kind),
            state_changed_at=now,
            number=order_number_next(year=timezone.localdate().year),
            kind=kind,
            customer=customer,
            contact=contact,
            manager=manager or customer.manager,
            workflow=workflow,
            channel=channel,
            payment_terms=payment_terms or (workflow.payment_terms if workflow else "prepay"),
            prepayment_percent=workflow.prepayment_percent if workflow else Decimal("100"),
            currency=currency,
            external_id=external_id,
            comment=comment,
            subject=subject.strip(),
            related_order=related_order,
            service_date=service_date,
            service_place=service_place,
            priority=priority,
            recurring_schedule=recurring[0] if recurring else None,
            recurring_run_at=recurring[1] if recurring else None,
        )
        _apply_totals(order, prepared)
        _set_stage_deadline(order, now)
        try:
            with transaction.atomic():
                order.save()
        except IntegrityError as error:
            if external_id and Order.objects.filter(external_id=external_id).exists():
                raise OrderValidationError(
                    {"external_id": [_("An order with this external ID already exists.")]}
                ) from error
            raise
        _write_lines(order, prepared)
        event = _record_event(
            order,
            action="created",
            by=by,
            to_state=order.state,
            payload={"channel": channel, "total": str(order.total)},
        )
        # The first stage is entered here, not through a transition: its tasks too.
        tasks_create_for_stage_entry(order, event)
    return order


# Moving orders through the lifecycle


def _transition_spec(order: Order, name: str):
    method = getattr(order, name, None)
    meta = getattr(method, "_django_fsm", None)
    if meta is None or name.startswith("_"):
        raise OrderTransitionError(_("Unknown action “%(name)s”.") % {"name": name})
    return method, meta.get_transition(order.state)


def _set_stage_deadline(order: Order, now) -> None:
    """Start the SLA clock of the state the order just entered (from its workflow, as now)."""
    hours = (order.workflow.stage_sla_hours or {}).get(order.state) if order.workflow else None
    order.sla_due_at = _sla_due(order.workflow, now, hours) if hours else None
    order.sla_level = 0


def _sla_due(workflow, start: datetime, hours: int) -> datetime:
    """`hours` after `start`: on the clock, or in working hours when the workflow says so.
    Reads the business calendar (one query) only in the second case."""
    if not workflow.sla_business_hours:
        return start + timedelta(hours=hours)
    try:
        return add_business_hours(start, hours, BusinessCalendar.get().working_time())
    except NoWorkingTimeError:
        # A calendar without working time must not block orders: the clock still counts.
        logger.exception("The business calendar has no working time; SLA on the clock")
        return start + timedelta(hours=hours)


def _transition_label(order: Order, name: str) -> str:
    for transition in Order._meta.get_field("state").get_all_transitions(Order):
        if transition.name == name:
            return str(transition.custom.get("label", name))
    return name


def _apply_transition(
    order: Order, name: str, *, by, note: str, reason: str = "", payload: dict | None = None
) -> Order:
    method, spec = _transition_spec(order, name)
    if spec is None:
        label = _transition_label(order, name)
        raise OrderTransitionError(
            _("“%(action)s” is not possible while the order is in “%(state)s”.")
            % {"action": label, "state": order.get_state_display()}
        )
    if not spec.has_perm(order, by):
        raise OrderPermissionError()
    unmet = [condition.message for condition in spec.conditions if not condition(order)]
    if unmet:
        raise OrderTransitionError(messages=unmet)
    if spec.custom.get("requires_reason") and not reason.strip():
        raise OrderValidationError({"reason": [_("Give a reason.")]})
    from_state = order.state
    if spec.custom.get("requires_reason"):
        method(reason=reason.strip())
    else:
        method()
    order.version += 1
    order.state_changed_at = timezone.now()
    _set_stage_deadline(order, order.state_changed_at)
    if order.state == State.PAYMENT:
        order.payment_reminded_at = None  # each visit to the payment stage may remind once
    try:
        order.save()  # every field: amending also changed the totals
    except ConcurrentTransition as error:
        raise OrderConflictError() from error
    event = _record_event(
        order,
        action=name,
        by=by,
        from_state=from_state,
        to_state=order.state,
        note=note,
        payload={**(payload or {}), **({"reason": reason.strip()} if reason else {})},
    )
    if from_state != order.state:
        tasks_close_for_stage_exit(order, left_state=from_state, at=event.created_at)
    if State.CANCELLED in (from_state, order.state):
        # What the order may be charged fell to nothing, or came back.
        money.rebalance_after_total_change(order, by=by)
    tasks_create_for_stage_entry(order, event)
    if order.state == State.QUOTE:
        _open_quote_version(order, by=by)
    return order


def order_transition(
    *,
    order: Order,
    transition: str,
    by,
    note: str = "",
    reason: str = "",
    expected_version: int | None = None,
) -> Order:
    """Take one lifecycle transition (see `orders/lifecycle.py`) on behalf of `by` (None: system).

    `order` is the caller's copy: if the stored order left the state the caller saw (or,
    with `expected_version`, changed at all), this raises `OrderConflictError` and changes
    nothing. Raises `OrderPermissionError` or
    `OrderTransitionError` (with the unmet conditions) otherwise. Writes the event
    and an outbox row in the same transaction; entering `quote` opens a new quote version.
    """
    with transaction.atomic():
        locked = _lock(order, expected_state=order.state, expected_version=expected_version)
        return _apply_transition(locked, transition, by=by, note=note, reason=reason)


def order_amend(*, order: Order, lines: list[LineInput], by, note: str = "") -> Order:
    """Replace the lines and send the order back to `quote` with a new quote version.
    Earlier versions keep their lines; the contract must be signed again."""
    prepared = _prepare_lines(lines, kind=order.kind)
    with transaction.atomic():
        locked = _lock(order, expected_state=order.state)
        _method, spec = _transition_spec(locked, "amend")
        if spec is None:
            raise OrderTransitionError(
                _("The order can be amended only at the quote, contract or payment stage.")
            )
        if not spec.has_perm(locked, by):
            raise OrderPermissionError()
        # The event keeps the lines being replaced, even where no quote version froze them.
        previous_lines = _snapshot_lines(locked)
        locked.lines.all().delete()
        _write_lines(locked, prepared)
        _apply_totals(locked, prepared)
        amended = _apply_transition(
            locked, "amend", by=by, note=note, payload={"previous_lines": previous_lines}
        )
        money.rebalance_after_total_change(amended, by=by)
        return amended


@dataclass
class QuotePricing:
    """What the manager sets on the draft: a discount per line (by line id), the extras,
    and the terms the client reads."""

    discounts: dict = field(default_factory=dict)
    delivery_cost: Decimal | str = Decimal("0")
    service_cost: Decimal | str = Decimal("0")
    valid_until: date | None = None
    note: str = ""


def quote_price_draft(*, quote: Quote, pricing: QuotePricing, by) -> Quote:
    """Price the draft quote: line discounts, delivery and service costs, validity, note.

    The order's lines and totals follow, so the invoice and payments later ask for what
    the client accepted; the draft's frozen lines are taken again from the order.
    """
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
        lines = list(order.lines.order_by("position"))
        for line in lines:
            if line.pk in discounts:
                line.discount_percent = discounts[line.pk]
                gross = line.quantity * line.unit_price
                line.line_total = (gross * (1 - line.discount_percent / 100)).quantize(
                    CENT, ROUND_HALF_UP
                )
                line.save(update_fields=["discount_percent", "line_total"])
        order.delivery_cost = costs["delivery_cost"].quantize(CENT)
        order.service_cost = costs["service_cost"].quantize(CENT)
        _set_totals(
            order,
            [
                ((line.quantity * line.unit_price).quantize(CENT), line.line_total, line.vat_rate)
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
        money.rebalance_after_total_change(order, by=by)
        _record_event(
            order,
            action="quote_priced",
            by=by,
            from_state=order.state,
            to_state=order.state,
            payload={"quote_version": quote.version, "total": str(quote.total)},
        )
    return quote


def quote_send(*, quote: Quote, by, valid_until: date | None = None, note: str = "") -> Quote:
    """Mark the current draft as sent to the client; the client is notified through the outbox."""
    with transaction.atomic():
        order = _lock(quote.order)
        quote = Quote.objects.select_for_update().get(pk=quote.pk)
        if not _may_process(order, by):
            raise OrderPermissionError()
        if order.state != State.QUOTE or quote.status != Quote.Status.DRAFT:
            raise OrderTransitionError(_("Only the current draft quote can be sent."))
        quote.status = Quote.Status.SENT
        quote.sent_at = timezone.now()
        # What the quote builder set stays unless the caller says otherwise.
        quote.valid_until = valid_until or quote.valid_until
        quote.note = note or quote.note
        quote.save(update_fields=["status", "sent_at", "valid_until", "note"])
        _bump(order)
        _record_event(
            order,
            action="quote_sent",
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
            action="quote_accepted",
            by=by,
            from_state=order.state,
            to_state=order.state,
            payload={"quote_version": quote.version},
        )
    return quote


def contract_mark_signed(*, order: Order, by, signed_at: datetime | None = None) -> Order:
    with transaction.atomic():
        locked = _lock(order)
        if not _may_process(locked, by):
            raise OrderPermissionError()
        if locked.state != State.CONTRACT:
            raise OrderTransitionError(_("The order is not at the contract stage."))
        locked.contract_signed_at = signed_at or timezone.now()
        _bump(locked, fields=["contract_signed_at"])
        _record_event(
            locked, action="contract_signed", by=by, from_state=locked.state, to_state=locked.state
        )
    return locked


# Facts from outside: recorded whatever the state, once.


def payment_record(**details) -> Payment:
    """Record money received; see `payment_record_or_get` for the arguments."""
    payment, _created = payment_record_or_get(**details)
    return payment


def payment_record_or_get(
    *,
    order: Order,
    amount: Decimal,
    by,
    reference: str = "",
    paid_at: datetime | None = None,
    method: str = Payment.Method.BANK_TRANSFER,
    provider: str = "",
    invoice: Invoice | None = None,
) -> tuple[Payment, bool]:
    """Record money received. The same non-empty `reference` twice records one payment.

    Posts it on the customer's ledger (an overpayment stays there as credit), marks the
    invoices it covers paid, and moves an order waiting at `payment` on as soon as its
    terms are met: prepaid orders to production, post-paid ones to closed. Paying from
    the balance or with bonus points also locks the customer's ledger (after the order)
    and checks the funds under that lock. Returns the payment and whether this call
    recorded it, decided under the order's lock: of two racing calls with one
    reference, exactly one is told it created the payment.
    """
    amount = _decimal(amount, errors=(errors := {}), key="amount")
    if errors:
        raise OrderValidationError(errors)
    if amount <= 0:
        raise OrderValidationError({"amount": [_("The amount must be positive.")]})
    if method not in Payment.Method.values:
        raise OrderValidationError({"method": [_("Unknown payment method.")]})
    with transaction.atomic():
        locked = _lock(order)
        if not _may_pay(locked, by, method):
            raise OrderPermissionError()
        if reference:
            existing = locked.payments.filter(reference=reference).first()
            if existing is not None:
                return existing, False
        if method in money.FROM_LEDGER:
            if not _ledger_payment_allowed(locked, method):
                raise OrderValidationError(
                    {"method": [_("This payment method is not allowed for this order.")]}
                )
            money.check_ledger_funds(locked, amount, method)
        if invoice is not None and invoice.order_id != locked.pk:
            raise OrderValidationError({"invoice": [_("The invoice belongs to another order.")]})
        owed_before = money.outstanding(locked)
        payment = Payment.objects.create(
            order=locked,
            amount=amount,
            reference=reference,
            paid_at=paid_at or timezone.now(),
            method=method,
            provider=provider,
            invoice=invoice,
            recorded_by=by,
        )
        overpaid = money.post_payment(locked, payment, owed_before=owed_before, by=by)
        money.invoices_settle(locked)
        _bump(locked)
        _record_event(
            locked,
            action="payment_recorded",
            by=by,
            from_state=locked.state,
            to_state=locked.state,
            payload={
                "amount": str(amount),
                "reference": reference,
                "payment_id": payment.pk,
                "method": method,
                **({"overpayment": str(overpaid)} if overpaid else {}),
            },
        )
        _advance_when_paid(locked)
    return payment, True


def _may_pay(order: Order, by, method: str) -> bool:
    if by is None or by.has_perm("orders.process_order"):
        return True
    # A client may spend their own balance or points; other money is recorded by staff.
    return (
        method in money.FROM_LEDGER
        and by.has_perm("orders.act_as_client")
        and order.belongs_to_client_user(by)
    )


def _ledger_payment_allowed(order: Order, method: str) -> bool:
    workflow = order.workflow
    if method == Payment.Method.BONUS:
        return workflow is not None and workflow.allow_bonus_payment
    return workflow is None or workflow.allow_balance_payment


def _advance_when_paid(order: Order) -> None:
    if order.state != State.PAYMENT:
        return
    if order.payment_terms == PaymentTerms.PREPAY and order.is_prepaid_as_agreed():
        name, note = "start_production", _("The agreed prepayment is received.")
    elif order.payment_terms == PaymentTerms.POSTPAY and order.is_fully_paid():
        name, note = "close", _("The order is paid in full.")
    else:
        return
    _method, spec = _transition_spec(order, name)
    if spec is not None and all(condition(order) for condition in spec.conditions):
        _apply_transition(order, name, by=None, note=note)


def payment_refund(
    *,
    payment: Payment,
    amount: Decimal,
    reason: str,
    by,
    provider_reference: str = "",
    idempotence_key: uuid.UUID | None = None,
) -> Refund:
    """Return money on a payment: never more than is left of it; the ledger shows both sides.

    `idempotence_key` names the user's action (one per refund form shown): a refund
    already recorded under it is returned as it is, however often the action arrives.
    Without one, each call is a new refund.
    """
    if by is not None and not by.has_perm("orders.process_order"):
        raise OrderPermissionError()
    amount = _decimal(amount, errors=(errors := {}), key="amount")
    if not reason.strip():
        errors["reason"] = [_("Give a reason.")]
    if errors:
        raise OrderValidationError(errors)
    if amount <= 0:
        raise OrderValidationError({"amount": [_("The amount must be positive.")]})
    idempotence_key = idempotence_key or uuid.uuid4()
    with transaction.atomic():
        locked = _lock(payment.order)
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        # Read under the order's lock, which every refund of its payments takes: the
        # second of two racing calls with one key finds the first's refund here.
        existing = Refund.objects.filter(idempotence_key=idempotence_key).first()
        if existing is not None:
            if existing.payment_id != payment.pk:
                raise OrderConflictError()
            return existing
        refunded = sum((refund.amount for refund in payment.refunds.all()), Decimal("0"))
        if amount > payment.amount - refunded:
            raise OrderValidationError(
                {
                    "amount": [
                        _("At most %(left)s is left to refund on this payment.")
                        % {"left": payment.amount - refunded}
                    ]
                }
            )
        overpaid_before = money.overpaid(locked)
        try:
            with transaction.atomic():
                refund = Refund.objects.create(
                    payment=payment,
                    order=locked,
                    amount=amount,
                    reason=reason.strip(),
                    provider_reference=provider_reference,
                    idempotence_key=idempotence_key,
                    created_by=by,
                )
        except IntegrityError as error:
            # The key was just used on another order's payment, whose lock we do not hold.
            raise OrderConflictError() from error
        money.post_refund(locked, refund, overpaid_before=overpaid_before, by=by)
        money.invoices_settle(locked)
        _bump(locked)
        _record_event(
            locked,
            action="payment_refunded",
            by=by,
            from_state=locked.state,
            to_state=locked.state,
            note=reason.strip(),
            payload={"amount": str(amount), "payment_id": payment.pk, "refund_id": refund.pk},
        )
    return refund


def invoice_issue(
    *,
    order: Order,
    kind: str,
    by,
    amount: Decimal | None = None,
    due_date: date | None = None,
) -> Invoice:
    """Ask for payment: a prepayment (the agreed share) or the final settlement (the rest)."""
    if kind not in Invoice.Kind.values:
        raise OrderValidationError({"kind": [_("Unknown invoice kind.")]})
    errors = {}
    if amount is not None:
        amount = _decimal(amount, errors=errors, key="amount")
    if errors:
        raise OrderValidationError(errors)
    with transaction.atomic():
        locked = _lock(order)
        if not _may_process(locked, by):
            raise OrderPermissionError()
        if locked.state in (State.CANCELLED, State.CLOSED) or locked.kind == OrderKind.SUPPORT:
            raise OrderTransitionError(_("No invoices are issued for this order now."))
        paid = locked.amount_paid()
        if amount is None:
            target = locked.prepayment_due() if kind == Invoice.Kind.PREPAYMENT else locked.total
            amount = target - paid
        if amount <= 0:
            raise OrderValidationError({"amount": [_("Nothing is left to pay on this order.")]})
        if amount > locked.total - paid:
            raise OrderValidationError(
                {"amount": [_("The amount is more than the order still owes.")]}
            )
        sequence = locked.invoices.count() + 1
        invoice = Invoice.objects.create(
            number=f"{locked.number}-{sequence}",
            order=locked,
            kind=kind,
            amount=amount,
            due_date=due_date
            or timezone.localdate() + timedelta(days=settings.INVOICE_PAYMENT_DAYS),
            created_by=by,
        )
        _bump(locked)
        _record_event(
            locked,
            action="invoice_issued",
            by=by,
            from_state=locked.state,
            to_state=locked.state,
            payload={
                "invoice_id": invoice.pk,
                "invoice_number": invoice.number,
                "kind": kind,
                "amount": str(amount),
                "due_date": invoice.due_date.isoformat(),
            },
        )
    return invoice


def delivery_update(
    *,
    order: Order,
    by,
    status: str | None = None,
    carrier: str | None = None,
    tracking_number: str | None = None,
    expected_date: date | None = None,
    note: str = "",
) -> Order:
    """Record where the shipment is; a moved expected date stays in the event for delay notices."""
    if status is not None and status not in DeliveryStatus.values:
        raise OrderValidationError({"status": [_("Unknown delivery status.")]})
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        client_confirms = (
            by is not None
            and status == DeliveryStatus.HANDED_TO_CLIENT
            and carrier is None
            and tracking_number is None
            and expected_date is None
            and locked.belongs_to_client_user(by)
        )
        staff = by is None or any(
            by.has_perm(permission)
            for permission in (
                "orders.process_order",
                "orders.handle_production",
                "orders.handle_delivery",
            )
        )
        if not (staff or client_confirms):
            raise OrderPermissionError()
        changes = {}
        for name, value in (
            ("delivery_status", status),
            ("carrier", carrier),
            ("tracking_number", tracking_number),
            ("expected_delivery_date", expected_date),
        ):
            if value is not None and getattr(locked, name) != value:
                changes[name] = {"old": str(getattr(locked, name) or ""), "new": str(value)}
                setattr(locked, name, value)
        if not changes:
            return locked
        _bump(locked, fields=[*changes])
        _record_event(
            locked,
            action="delivery_updated",
            by=by,
            from_state=locked.state,
            to_state=locked.state,
            note=note,
            payload={"changes": changes},
        )
    return locked


def order_assign_manager(*, order: Order, manager, by) -> Order:
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if not _may_process(locked, by):
            raise OrderPermissionError()
        if manager is not None and not manager.has_perm("orders.process_order"):
            raise OrderValidationError({"manager": [_("This user does not process orders.")]})
        previous = locked.manager
        locked.manager = manager
        _bump(locked, fields=["manager"])
        _record_event(
            locked,
            action="manager_assigned",
            by=by,
            from_state=locked.state,
            to_state=locked.state,
            payload={
                "old_manager_id": previous.pk if previous else None,
                "new_manager_id": manager.pk if manager else None,
            },
        )
    return locked


def _may_place_order(customer, by) -> bool:
    """Staff who process orders, the system, or a client user of that very customer."""
    if by is None or by.has_perm("orders.process_order"):
        return True
    contact = getattr(by, "contact", None)
    return (
        by.has_perm("orders.act_as_client")
        and contact is not None
        and contact.customer_id == customer.pk
    )


def _may_process(order: Order, by) -> bool:
    return by is None or by.has_perm("orders.process_order")


def _bump(order: Order, *, fields=()) -> None:
    """Count the change, so a copy read before it is refused as stale."""
    order.version += 1
    order.save(update_fields=["version", "updated_at", *fields])


# Reminders and escalations: called by the beat sweeps, each safe to run twice at once.


def order_sla_escalate(*, order_id: int, now: datetime | None = None) -> str | None:
    """Raise the next escalation of an order overdue at its stage; None when nothing is due.

    First the manager is reminded; at twice the SLA the director. The due time is
    re-checked under the row lock, so racing sweeps escalate once.
    """
    now = now or timezone.now()
    with transaction.atomic():
        order = (
            Order.objects.select_for_update(of=("self",))
            .select_related("workflow")
            .get(pk=order_id)
        )
        if order.sla_due_at is None or order.sla_due_at > now:
            return None
        hours = (order.workflow.stage_sla_hours or {}).get(order.state) if order.workflow else None
        if order.sla_level == 0 and hours:
            action = "sla_breach"
            order.sla_level = 1
            order.sla_due_at = _sla_due(order.workflow, order.state_changed_at, 2 * hours)
        else:
            action = "sla_escalation"
            order.sla_level = 2
            order.sla_due_at = None
        order.save(update_fields=["sla_due_at", "sla_level"])
        _record_event(
            order,
            action=action,
            by=None,
            from_state=order.state,
            to_state=order.state,
            payload={"level": order.sla_level, "sla_hours": hours},
        )
    return action


def quote_remind_awaiting(*, quote_id: int) -> bool:
    """Remind the client once about a sent quote they have not accepted."""
    with transaction.atomic():
        quote = Quote.objects.select_for_update().select_related("order").get(pk=quote_id)
        if (
            quote.status != Quote.Status.SENT
            or quote.reminded_at is not None
            or quote.order.state != State.QUOTE  # a cancelled order's quote waits for nobody
        ):
            return False
        quote.reminded_at = timezone.now()
        quote.save(update_fields=["reminded_at"])
        _record_event(
            quote.order,
            action="quote_reminder",
            by=None,
            from_state=quote.order.state,
            to_state=quote.order.state,
            payload={"quote_version": quote.version},
        )
    return True


def order_service_remind(*, order_id: int) -> bool:
    """Remind the client and the manager once that the scheduled service is near."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.state != State.SERVICE or order.service_reminded_at is not None:
            return False
        order.service_reminded_at = timezone.now()
        order.save(update_fields=["service_reminded_at"])
        _record_event(
            order,
            action="service_reminder",
            by=None,
            from_state=order.state,
            to_state=order.state,
            payload={"service_date": str(order.service_date or "")},
        )
    return True


def order_payment_remind(*, order_id: int) -> bool:
    """Remind the client once per payment stage that the invoice is still unpaid."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.state != State.PAYMENT or order.payment_reminded_at is not None:
            return False
        order.payment_reminded_at = timezone.now()
        order.save(update_fields=["payment_reminded_at"])
        if order.is_fully_paid():
            return False
        _record_event(
            order,
            action="payment_reminder",
            by=None,
            from_state=order.state,
            to_state=order.state,
            payload={"total": str(order.total), "paid": str(order.amount_paid())},
        )
    return True


# Recurring orders

_PERIODS = {
    RecurringOrder.Period.WEEKLY: relativedelta(weeks=1),
    RecurringOrder.Period.BIWEEKLY: relativedelta(weeks=2),
    RecurringOrder.Period.MONTHLY: relativedelta(months=1),
    RecurringOrder.Period.QUARTERLY: relativedelta(months=3),
}


def recurring_order_create(
    *, order: Order, period: str, by, first_run_at: datetime | None = None
) -> RecurringOrder:
    """Repeat `order` every `period`; the first new order comes one period from now."""
    if period not in _PERIODS:
        raise OrderValidationError({"period": [_("Choose a period from the list.")]})
    if order.kind == OrderKind.SUPPORT:
        raise OrderValidationError({"order": [_("Support requests cannot be repeated.")]})
    if not (_may_process(order, by) or (by is not None and order.belongs_to_client_user(by))):
        raise OrderPermissionError()
    with transaction.atomic():
        schedule = RecurringOrder.objects.create(
            source_order=order,
            period=period,
            next_run_at=first_run_at or timezone.now() + _PERIODS[period],
            created_by=by,
        )
        _record_event(
            order,
            action="recurring_created",
            by=by,
            from_state=order.state,
            to_state=order.state,
            payload={"schedule_id": schedule.pk, "period": period},
        )
    return schedule


def recurring_order_stop(*, schedule: RecurringOrder, by) -> RecurringOrder:
    """No more orders from this schedule; the orders it made stay as they are."""
    order = schedule.source_order
    if not (_may_process(order, by) or (by is not None and order.belongs_to_client_user(by))):
        raise OrderPermissionError()
    with transaction.atomic():
        updated = RecurringOrder.objects.filter(pk=schedule.pk, is_active=True).update(
            is_active=False
        )
        if updated:
            _record_event(
                order,
                action="recurring_stopped",
                by=by,
                from_state=order.state,
                to_state=order.state,
                payload={"schedule_id": schedule.pk},
            )
    schedule.is_active = False
    return schedule


def order_repeat(*, order: Order, by) -> Order:
    """A new request with a past order's lines, at today's prices (discounts are re-agreed)."""
    if order.kind == OrderKind.SUPPORT:
        raise OrderValidationError({"order": [_("Support requests cannot be repeated.")]})
    client = by is not None and order.belongs_to_client_user(by)
    if not (_may_process(order, by) or client):
        raise OrderPermissionError()
    lines = list(order.lines.select_related("item__category").order_by("position"))
    withdrawn = [line.item.name for line in lines if not line.item.is_active]
    if withdrawn:
        raise OrderValidationError(
            {"lines": [_("No longer sold: %(items)s.") % {"items": ", ".join(withdrawn)}]}
        )
    return order_create(
        customer=order.customer,
        contact=by.contact if client else order.contact,
        kind=order.kind,
        lines=[
            LineInput(item=line.item, quantity=line.quantity, custom_values=line.custom_values)
            for line in lines
        ],
        by=by,
        channel=Order.Channel.PORTAL if client else Order.Channel.MANAGER,
        comment=_("Repeat of order %(number)s") % {"number": order.number},
        related_order=order,
    )


def recurring_order_run(*, schedule_id: int, now: datetime | None = None) -> Order | None:
    """Create the order a due schedule owes, exactly once, and move the schedule on.

    The schedule row is locked (skipped while another sweep holds it) and its due time
    re-checked; a unique constraint on (schedule, run time) backs this up.
    """
    now = now or timezone.now()
    with transaction.atomic():
        schedule = (
            RecurringOrder.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("source_order__customer", "source_order__contact")
            .filter(pk=schedule_id, is_active=True, next_run_at__lte=now)
            .first()
        )
        if schedule is None:
            return None
        run_at = schedule.next_run_at
        source = schedule.source_order
        lines = [
            LineInput(
                item=line.item,
                quantity=line.quantity,
                discount_percent=line.discount_percent,
                custom_values=line.custom_values,
            )
            for line in source.lines.select_related("item__category")
        ]
        schedule.next_run_at = run_at + _PERIODS[schedule.period]
        while schedule.next_run_at <= now:  # a long outage owes one order, not a backlog
            schedule.next_run_at += _PERIODS[schedule.period]
        schedule.save(update_fields=["next_run_at"])
        try:
            with transaction.atomic():
                order = order_create(
                    customer=source.customer,
                    contact=source.contact,
                    kind=source.kind,
                    lines=lines,
                    by=None,
                    channel=source.channel,
                    payment_terms=source.payment_terms,
                    currency=source.currency,
                    comment=source.comment,
                    recurring=(schedule, run_at),
                )
        except OrderValidationError as error:
            _record_event(
                source,
                action="recurring_failed",
                by=None,
                from_state=source.state,
                to_state=source.state,
                payload={"schedule_id": schedule.pk, "errors": error.errors},
            )
            return None
    return order
