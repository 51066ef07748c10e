"""Online card payments: start one at the gateway, learn its outcome, refund it.

Money reaches an order only through `orders.services.payment_record`, and only after the
gateway itself has said the payment succeeded: a notification is a hint to go and ask,
never evidence. The gateway payment id becomes the payment's reference, so however
often we are told, one payment is recorded.
"""

import json
import logging
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from billing.gateway import client
from billing.models import GatewayNotification, OnlinePayment
from orders.errors import OrderError, OrderPermissionError, OrderValidationError
from orders.models import Invoice, Order, Payment, Refund
from orders.money_summary import money_summary
from orders.services import payment_record, payment_refund

logger = logging.getLogger(__name__)

PROVIDER = "yookassa"


class PaymentUnavailableError(OrderError):
    """The gateway could not be used now; nothing was charged."""

    def __init__(self):
        super().__init__(
            _("Online payment is unavailable right now. Try again later or pay by invoice.")
        )


def online_payment_start(*, order: Order, by, invoice: Invoice | None = None) -> OnlinePayment:
    """Create the payment at the gateway; the payer then goes to its `confirmation_url`."""
    if not (by.has_perm("orders.process_order") or order.belongs_to_client_user(by)):
        raise OrderPermissionError()
    if invoice is not None and (
        invoice.order_id != order.pk or invoice.status != Invoice.Status.ISSUED
    ):
        raise OrderValidationError({"invoice": [_("This invoice cannot be paid now.")]})
    amount = invoice.amount if invoice is not None else money_summary(order).due_now
    if amount <= 0 or not client.gateway_configured():
        raise OrderValidationError({"amount": [_("Nothing is to be paid online now.")]})
    # Committed before the call: if we die after the gateway created the payment, the
    # row (and its idempotence key) is there to find it again.
    attempt = OnlinePayment.objects.create(
        order=order, invoice=invoice, provider=PROVIDER, amount=amount, started_by=by
    )
    try:
        created = client.payment_create(
            amount=amount,
            currency=order.currency,
            description=_("Order %(number)s") % {"number": order.number},
            return_url=settings.SITE_URL + reverse("billing:online_return", args=[attempt.pk]),
            idempotence_key=str(attempt.idempotence_key),
            metadata={"order_number": order.number, "online_payment_id": attempt.pk},
        )
    except client.GatewayError as error:
        logger.warning("Online payment %s not created: %s", attempt.pk, error)
        attempt.status = OnlinePayment.Status.CANCELED
        attempt.save(update_fields=["status", "updated_at"])
        raise PaymentUnavailableError() from error
    attempt.provider_payment_id = created.id
    attempt.confirmation_url = created.confirmation_url
    attempt.save(update_fields=["provider_payment_id", "confirmation_url", "updated_at"])
    return attempt


def online_payment_sync(attempt: OnlinePayment) -> OnlinePayment:
    """Ask the gateway how the payment went and record it; safe to call any number of times."""
    if attempt.status != OnlinePayment.Status.PENDING or not attempt.provider_payment_id:
        return attempt
    fetched = client.payment_fetch(attempt.provider_payment_id)
    if fetched is None:
        return attempt
    return _apply(attempt, fetched)


def _apply(attempt: OnlinePayment, fetched: client.GatewayPayment) -> OnlinePayment:
    with transaction.atomic():
        attempt = OnlinePayment.objects.select_for_update().get(pk=attempt.pk)
        if attempt.status != OnlinePayment.Status.PENDING:
            return attempt
        if fetched.status == "succeeded" and fetched.paid:
            if fetched.amount != attempt.amount or fetched.currency != attempt.currency:
                logger.error(
                    "Online payment %s: gateway says %s %s, we asked %s %s",
                    attempt.pk,
                    fetched.amount,
                    fetched.currency,
                    attempt.amount,
                    attempt.currency,
                )
                return attempt
            attempt.payment = payment_record(
                order=attempt.order,
                amount=fetched.amount,
                by=None,
                reference=attempt.reference,
                method=Payment.Method.CARD,
                provider=attempt.provider,
                invoice=attempt.invoice,
            )
            attempt.status = OnlinePayment.Status.SUCCEEDED
        elif fetched.status == "canceled":
            attempt.status = OnlinePayment.Status.CANCELED
        else:
            return attempt
        attempt.save(update_fields=["status", "payment", "updated_at"])
    return attempt


def gateway_notification_receive(body: bytes, *, remote_addr: str | None) -> GatewayNotification:
    """Handle what was posted to our notification URL, and log it with its outcome."""
    log = GatewayNotification(
        provider=PROVIDER, remote_addr=remote_addr, body=body.decode("utf-8", "replace")[:20000]
    )
    outcome, detail = _notification_outcome(body, log)
    log.outcome, log.detail = outcome, detail[:255]
    log.save()
    if outcome in (GatewayNotification.Outcome.REJECTED, GatewayNotification.Outcome.MALFORMED):
        logger.warning(
            "Gateway notification from %s rejected (%s): %s", remote_addr, outcome, detail
        )
    return log


def _notification_outcome(body: bytes, log: GatewayNotification) -> tuple[str, str]:
    outcome = GatewayNotification.Outcome
    try:
        data = json.loads(body)
        log.event = str(data["event"])[:64]
        log.provider_payment_id = str(data["object"]["id"])[:64]
    except (ValueError, KeyError, TypeError):
        return outcome.MALFORMED, "not a notification"
    attempt = OnlinePayment.objects.filter(provider_payment_id=log.provider_payment_id).first()
    if attempt is None:
        return outcome.REJECTED, "no payment of ours has this id"
    try:
        fetched = client.payment_fetch(log.provider_payment_id)
    except client.GatewayError as error:
        return outcome.UNAVAILABLE, str(error)
    if fetched is None:
        return outcome.REJECTED, "the gateway knows no such payment"
    if log.event != f"payment.{fetched.status}":
        return outcome.REJECTED, f"claims {log.event}, the gateway says {fetched.status}"
    if attempt.status != OnlinePayment.Status.PENDING:
        return outcome.DUPLICATE, f"already {attempt.status}"
    updated = _apply(attempt, fetched)
    if updated.status == OnlinePayment.Status.SUCCEEDED:
        return outcome.RECORDED, f"payment {updated.payment_id}"
    if updated.status == OnlinePayment.Status.PENDING:
        return outcome.IGNORED, f"gateway status {fetched.status}"
    return outcome.IGNORED, updated.status


def refund_issue(
    *, payment: Payment, amount, reason: str, by, idempotence_key: uuid.UUID | None = None
) -> Refund:
    """Refund a payment; money paid by card goes back to the card through the gateway.

    `idempotence_key` is made once per user action (the refund form carries it): the
    same action arriving twice, a double click or a retry after a lost answer, makes one
    refund at the gateway, which gets the key as its Idempotence-Key, and records it
    once. Without a key, each call is a new refund.
    """
    if by is not None and not by.has_perm("orders.process_order"):
        raise OrderPermissionError()
    idempotence_key = idempotence_key or uuid.uuid4()
    if payment.provider != PROVIDER:
        return payment_refund(
            payment=payment, amount=amount, reason=reason, by=by, idempotence_key=idempotence_key
        )
    attempt = OnlinePayment.objects.filter(payment=payment).first()
    if attempt is None:
        raise OrderValidationError({"payment": [_("The gateway payment is not known.")]})
    refunds = list(Refund.objects.filter(payment=payment))
    done = next((refund for refund in refunds if refund.idempotence_key == idempotence_key), None)
    if done is not None:
        # The action already went through: no second question to the gateway, and no
        # "nothing left to refund" for the click that came second.
        return done
    amount = _refundable(payment, refunds, amount, reason)
    try:
        provider_reference = client.refund_create(
            payment_id=attempt.provider_payment_id,
            amount=amount,
            currency=attempt.currency,
            idempotence_key=str(idempotence_key),
        )
    except client.GatewayError as error:
        logger.warning("Refund on payment %s refused: %s", payment.pk, error)
        raise PaymentUnavailableError() from error
    # A racing copy of this action got the same gateway refund and may have recorded it
    # first: `payment_refund` then returns that record.
    return payment_refund(
        payment=payment,
        amount=amount,
        reason=reason,
        by=by,
        provider_reference=provider_reference,
        idempotence_key=idempotence_key,
    )


def _refundable(payment: Payment, refunds: list[Refund], amount, reason: str) -> Decimal:
    """Check before asking the gateway: it cannot take a refund back."""
    errors = {}
    try:
        amount = Decimal(str(amount))
    except (ArithmeticError, ValueError):
        errors["amount"] = [_("Enter a number.")]
    else:
        left = payment.amount - sum((refund.amount for refund in refunds), Decimal("0"))
        if not amount.is_finite() or amount <= 0:
            errors["amount"] = [_("The amount must be positive.")]
        elif amount > left:
            errors["amount"] = [
                _("At most %(left)s is left to refund on this payment.") % {"left": left}
            ]
    if not reason.strip():
        errors["reason"] = [_("Give a reason.")]
    if errors:
        raise OrderValidationError(errors)
    return amount
