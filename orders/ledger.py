"""How an order's money moves on the customer's ledger.

The money account of the ledger holds what the customer has with us and is not yet
spent on an order. Money from outside comes in as a `payment` entry and the part the
order still needed goes out as a `charge`; whatever is left is the overpayment, credited
by that difference. Paying from the balance is a charge alone. A refund sends money
back out: first from what the order was overpaid, then by reversing its charge.
The caller holds the order's row lock and the transaction; every posting then takes the
customer's ledger lock (`customers.services.ledger_lock`), always in that order.
"""

from decimal import Decimal

from django.db.models import Q, Sum
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from customers.models import LedgerEntry
from customers.selectors import customer_balance
from customers.services import ledger_entry_post, ledger_lock
from orders.errors import OrderValidationError
from orders.lifecycle import State
from orders.models import Invoice, Order, Payment, Refund

ZERO = Decimal("0.00")
FROM_LEDGER = (Payment.Method.BALANCE, Payment.Method.BONUS)
# Entries that move money between the order and the balance when its total changes.
TOTAL_CHANGE_REFERENCE = "order-total:{order}:{version}"


def chargeable_total(order: Order) -> Decimal:
    """What the order may be charged: its total, or nothing once it is cancelled, so that
    money paid for it is the customer's credit until it is refunded or spent."""
    return ZERO if order.state == State.CANCELLED else order.total


def outstanding(order: Order) -> Decimal:
    return max(chargeable_total(order) - order.amount_paid(), ZERO)


def overpaid(order: Order) -> Decimal:
    return max(order.amount_paid() - chargeable_total(order), ZERO)


def check_ledger_funds(order: Order, amount: Decimal, method: str) -> None:
    """Paying from the ledger may not exceed what is owed nor what the customer holds.

    Takes the customer's ledger lock (after the order's, which the caller holds) and
    reads the balance only then: the order's lock alone let two orders of one customer
    spend the same money at once. The lock lasts until the caller's transaction ends,
    past the charge it posts.
    """
    bonus = method == Payment.Method.BONUS
    account = LedgerEntry.Account.BONUS if bonus else LedgerEntry.Account.MONEY
    ledger_lock(customer=order.customer)
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


def advance_detail(order: Order, overpayment: Decimal) -> str:
    """What became of a payment received before the payment stage, as `post_payment` and
    `rebalance_after_total_change` book it: the payment belongs to the order; what it pays
    beyond the order's total so far is the customer's credit until the total grows."""
    text = _("Recorded as an advance for order %(number)s: it counts towards its total.") % {
        "number": order.number
    }
    if overpayment > 0:
        text += " " + _(
            "%(amount)s of it is more than the order costs now: it shows on the customer's "
            "balance and goes to the order when its total is set or grows."
        ) % {"amount": number_format(overpayment, 2, force_grouping=True)}
    return text


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


def rebalance_after_total_change(order: Order, *, by) -> Decimal:
    """Keep what the order is charged equal to what it is paid, up to what it may cost.

    Money from outside is charged to the order as far as the order needs it (see
    `post_payment`). When that changes after payments (amended lines, a repriced quote,
    a cancellation, after which nothing is chargeable), the difference moves between the
    order and the account balance: less gives the excess back as credit, more takes that
    credit again, even into a debt when it was spent elsewhere meanwhile, so that a later
    refund finds the ledger as `post_refund` expects. Payments from the balance or with
    bonus points are charges already and stay as they are. Returns the amount credited
    to the balance (negative: charged). The order must be saved with its new state,
    total and version.
    """
    payments = list(order.payments.all())
    if not payments:
        return ZERO
    refunds = list(Refund.objects.filter(payment__order=order).select_related("payment"))
    from_ledger = sum(
        (payment.amount for payment in payments if payment.method in FROM_LEDGER), ZERO
    ) - sum((refund.amount for refund in refunds if refund.payment.method in FROM_LEDGER), ZERO)
    paid = sum((payment.amount for payment in payments), ZERO) - sum(
        (refund.amount for refund in refunds), ZERO
    )
    wanted = max(min(paid, chargeable_total(order)) - from_ledger, ZERO)
    references = [f"payment:{p.pk}" for p in payments if p.method not in FROM_LEDGER]
    references += [f"refund:{r.pk}" for r in refunds if r.payment.method not in FROM_LEDGER]
    own_prefix = TOTAL_CHANGE_REFERENCE.format(order=order.pk, version="")
    charged = (
        LedgerEntry.objects.filter(
            Q(reference__in=references) | Q(reference__startswith=own_prefix),
            customer=order.customer,
            account=LedgerEntry.Account.MONEY,
            kind__in=[LedgerEntry.Kind.CHARGE, LedgerEntry.Kind.ADJUSTMENT],
        ).aggregate(total=Sum("amount"))["total"]
        or ZERO
    )
    credit = -charged - wanted
    if credit:
        ledger_entry_post(
            customer=order.customer,
            kind=LedgerEntry.Kind.ADJUSTMENT,
            amount=credit,
            description=(
                _("Order %(number)s now costs %(total)s: the overpayment goes to the account")
                if credit > 0
                else _("Order %(number)s now costs %(total)s: the credit goes to the order")
            )
            % {"number": order.number, "total": order.total},
            reference=TOTAL_CHANGE_REFERENCE.format(order=order.pk, version=order.version),
            by=by,
        )
    return credit
