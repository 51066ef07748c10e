"""Money: invoices asking for it, and payments and refunds, facts from outside recorded
whatever the order's state, once, on the customer's ledger too."""

import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.money import to_kopecks
from orders import ledger
from orders.actions import OrderAction
from orders.errors import (
    OrderConflictError,
    OrderPermissionError,
    OrderTransitionError,
    OrderValidationError,
)
from orders.lifecycle import OrderKind, PaymentTerms, State, is_before_payment_stage
from orders.models import Invoice, Order, Payment, Refund
from orders.services.core import (
    _bump,
    _lock,
    _may_process,
    _past_date_refused,
    _record_event,
)
from orders.services.lifecycle import _apply_transition, _transition_spec
from orders.services.lines import _decimal


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
    advance_allowed: bool = True,
) -> tuple[Payment, bool]:
    """Record money received. The same non-empty `reference` twice records one payment.

    Money received before the order reached its payment stage (`is_before_payment_stage`)
    is an advance: its event says `"advance": true`. A fact from outside is recorded
    whatever the state; a person recording it by hand confirms it first, and with
    `advance_allowed=False` such a payment raises `OrderValidationError` on `advance`
    (checked under the lock: the order may have moved since the form was shown). The
    returned payment carries `is_advance` and `overpayment` (the part credited to the
    customer's balance), also when it was recorded before.

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
                return _with_recorded_facts(locked, existing), False
        advance = is_before_payment_stage(locked)
        if advance and not advance_allowed:
            raise OrderValidationError({"advance": [advance_confirmation_message(locked)]})
        if method in ledger.FROM_LEDGER:
            if not _ledger_payment_allowed(locked, method):
                raise OrderValidationError(
                    {"method": [_("This payment method is not allowed for this order.")]}
                )
            ledger.check_ledger_funds(locked, amount, method)
        if invoice is not None and invoice.order_id != locked.pk:
            raise OrderValidationError({"invoice": [_("The invoice belongs to another order.")]})
        owed_before = ledger.outstanding(locked)
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
        overpaid = ledger.post_payment(locked, payment, owed_before=owed_before, by=by)
        ledger.invoices_settle(locked)
        _bump(locked)
        _record_event(
            locked,
            action=OrderAction.PAYMENT_RECORDED,
            by=by,
            from_state=locked.state,
            to_state=locked.state,
            payload={
                "amount": str(amount),
                "reference": reference,
                "payment_id": payment.pk,
                "method": method,
                **({"overpayment": str(overpaid)} if overpaid else {}),
                **({"advance": True} if advance else {}),
            },
        )
        _advance_when_paid(locked)
    payment.is_advance = advance
    payment.overpayment = overpaid
    return payment, True


def advance_confirmation_message(order: Order) -> str:
    """Why a payment recorded by hand before the payment stage waits for a confirmation."""
    return _(
        "The order is at the “%(stage)s” stage, before payment: the money will be kept as "
        "an advance for this order. Tick “Record as an advance” to record it."
    ) % {"stage": State(order.state).label}


def _with_recorded_facts(order: Order, payment: Payment) -> Payment:
    """The payment as first recorded: whether it was an advance, and what went to the balance."""
    event = (
        order.events.filter(action=OrderAction.PAYMENT_RECORDED, payload__payment_id=payment.pk)
        .order_by("id")
        .first()
    )
    payload = event.payload if event is not None else {}
    payment.is_advance = bool(payload.get("advance"))
    payment.overpayment = Decimal(payload.get("overpayment", "0"))
    return payment


def _may_pay(order: Order, by, method: str) -> bool:
    if by is None or by.has_perm("orders.process_order"):
        return True
    # A client may spend their own balance or points; other money is recorded by staff.
    return (
        method in ledger.FROM_LEDGER
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
        overpaid_before = ledger.overpaid(locked)
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
        ledger.post_refund(locked, refund, overpaid_before=overpaid_before, by=by)
        ledger.invoices_settle(locked)
        _bump(locked)
        _record_event(
            locked,
            action=OrderAction.PAYMENT_REFUNDED,
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
    """Ask for payment: a prepayment (the agreed share) or the final settlement (the rest).

    A person may not set the pay-by `due_date` before today."""
    if kind not in Invoice.Kind.values:
        raise OrderValidationError({"kind": [_("Unknown invoice kind.")]})
    errors = {}
    if amount is not None:
        amount = _decimal(amount, errors=errors, key="amount")
    if by is not None:
        errors |= _past_date_refused(
            "due_date",
            due_date,
            _("The pay-by date %(date)s is in the past; choose today or a later date."),
        )
    if errors:
        raise OrderValidationError(errors)
    if amount is not None:
        # Rounded here, not by the database: SQLite would keep half a kopeck half-even.
        amount = to_kopecks(amount)
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
            action=OrderAction.INVOICE_ISSUED,
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
