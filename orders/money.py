"""How an order's money moves on the customer's ledger.

The money account of the ledger holds what the customer has with us and is not yet
spent on an order. Money from outside comes in as a `payment` entry and the part the
order still needed goes out as a `charge`; whatever is left is the overpayment, credited
by that difference. Paying from the balance is a charge alone. A refund sends money
back out: first from what the order was overpaid, then by reversing its charge.
The caller holds the order's row lock and the transaction.
"""

from decimal import Decimal

from django.utils.translation import gettext as _

from customers.models import LedgerEntry
from customers.selectors import customer_balance
from customers.services import ledger_entry_post
from orders.errors import OrderValidationError
from orders.models import Invoice, Order, Payment, Refund

ZERO = Decimal("0.00")
FROM_LEDGER = (Payment.Method.BALANCE, Payment.Method.BONUS)


def outstanding(order: Order) -> Decimal:
    return max(order.total - order.amount_paid(), ZERO)


def check_ledger_funds(order: Order, amount: Decimal, method: str) -> None:
    """Paying from the ledger may not exceed what is owed nor what the customer holds."""
    bonus = method == Payment.Method.BONUS
    account = LedgerEntry.Account.BONUS if bonus else LedgerEntry.Account.MONEY
    if amount > outstanding(order):
        raise OrderValidationError({"amount": [_("The amount is more than the order still owes.")]})
    if amount > customer_balance(customer=order.customer, account=account):
        message = (
            _("Not enough bonus points.")
            if bonus
            else _("Not enough money on the account balance.")
        )
        raise OrderValidationError({"amount": [message]})


def post_payment(order: Order, payment: Payment, *, owed_before: Decimal, by) -> Decimal:
    """Ledger entries of a new payment; returns the overpayment credited."""
    reference = f"payment:{payment.pk}"
    if payment.method in FROM_LEDGER:
        bonus = payment.method == Payment.Method.BONUS
        ledger_entry_post(
            customer=order.customer,
            account=LedgerEntry.Account.BONUS if bonus else LedgerEntry.Account.MONEY,
            kind=LedgerEntry.Kind.BONUS_REDEMPTION if bonus else LedgerEntry.Kind.CHARGE,
            amount=-payment.amount,
            description=_("Paid for order %(number)s") % {"number": order.number},
            reference=reference,
            by=by,
        )
        return ZERO
    ledger_entry_post(
        customer=order.customer,
        kind=LedgerEntry.Kind.PAYMENT,
        amount=payment.amount,
        description=_("Payment for order %(number)s") % {"number": order.number},
        reference=reference,
        by=by,
    )
    applied = min(payment.amount, owed_before)
    if applied > 0:
        ledger_entry_post(
            customer=order.customer,
            kind=LedgerEntry.Kind.CHARGE,
            amount=-applied,
            description=_("Applied to order %(number)s") % {"number": order.number},
            reference=reference,
            by=by,
        )
    return payment.amount - applied


def post_refund(order: Order, refund: Refund, *, overpaid_before: Decimal, by) -> None:
    """Ledger entries of a refund: what left us, and the order's charge it reverses."""
    reference = f"refund:{refund.pk}"
    from_order = refund.amount - min(refund.amount, overpaid_before)
    if refund.payment.method in FROM_LEDGER:
        # Nothing leaves us: the amount goes back where it was paid from.
        bonus = refund.payment.method == Payment.Method.BONUS
        ledger_entry_post(
            customer=order.customer,
            account=LedgerEntry.Account.BONUS if bonus else LedgerEntry.Account.MONEY,
            kind=LedgerEntry.Kind.REFUND,
            amount=refund.amount,
            description=_("Returned to the account from order %(number)s")
            % {"number": order.number},
            reference=reference,
            by=by,
        )
        return
    ledger_entry_post(
        customer=order.customer,
        kind=LedgerEntry.Kind.REFUND,
        amount=-refund.amount,
        description=_("Refund on order %(number)s") % {"number": order.number},
        reference=reference,
        by=by,
    )
    if from_order > 0:
        ledger_entry_post(
            customer=order.customer,
            kind=LedgerEntry.Kind.ADJUSTMENT,
            amount=from_order,
            description=_("Charge for order %(number)s reversed by a refund")
            % {"number": order.number},
            reference=reference,
            by=by,
        )


def invoices_settle(order: Order) -> None:
    """Mark open invoices paid, oldest first, as far as the money received covers them."""
    covered = order.amount_paid()
    for invoice in order.invoices.exclude(status=Invoice.Status.CANCELLED).order_by(
        "created_at", "id"
    ):
        covered -= invoice.amount
        status = Invoice.Status.PAID if covered >= 0 else Invoice.Status.ISSUED
        if invoice.status != status:
            invoice.status = status
            invoice.save(update_fields=["status"])
