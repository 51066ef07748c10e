"""An order's money in figures: the one rule every page, PDF, email and the API show.

What is due now is what the open invoices still ask for when there are open invoices:
the client is told to pay the invoice in hand, not the terms' share of an order a
manager chose to invoice in parts (a 50,000 invoice on a 113,600 order asks 50,000).
Without open invoices it is what the payment terms ask at the order's stage. Never more
than the order still owes.

Reads the order's payments, refunds and invoices through `.all()`, so a caller that
prefetched them pays no query for it.
"""

from dataclasses import dataclass
from decimal import Decimal

from orders.invoice_terms import invoice_label
from orders.ledger import chargeable_total
from orders.lifecycle import PaymentTerms, State
from orders.models import Invoice, Order

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class InvoiceFigures:
    invoice: Invoice
    order_total: Decimal

    @property
    def label(self) -> str:
        # Made when read, in the language active then: a PDF reads it in Russian.
        return invoice_label(self.invoice, self.order_total)

    @property
    def is_open(self) -> bool:
        return self.invoice.status == Invoice.Status.ISSUED


@dataclass(frozen=True)
class MoneySummary:
    total: Decimal
    paid: Decimal
    # What the order still owes: its chargeable total less what was paid (never below 0).
    balance: Decimal
    due_now: Decimal
    # Every invoice of the order, cancelled ones too (the pages list them with their status).
    invoices: list[InvoiceFigures]

    @property
    def open_invoices(self) -> list[Invoice]:
        return [figures.invoice for figures in self.invoices if figures.is_open]


def amount_paid(order: Order) -> Decimal:
    """Received minus refunded, from the prefetched payments and refunds when there."""
    received = sum((payment.amount for payment in order.payments.all()), ZERO)
    refunded = sum((refund.amount for refund in order.refunds.all()), ZERO)
    return received - refunded


def terms_due_now(order: Order, paid: Decimal) -> Decimal:
    """What the payment terms ask now: the agreed prepayment at the payment stage, the
    rest once a prepaid order is in production or delivery, all of it when a post-paid
    order reaches payment."""
    prepaid = order.payment_terms == PaymentTerms.PREPAY
    if order.state == State.PAYMENT:
        target = order.prepayment_due() if prepaid else order.total
    elif prepaid and order.state in (State.PRODUCTION, State.DELIVERY):
        target = order.total
    else:
        return ZERO
    return max(target - paid, ZERO)


def money_summary(order: Order, *, paid: Decimal | None = None) -> MoneySummary:
    """Total, paid, balance, due now and each invoice with its label (see the module)."""
    paid = amount_paid(order) if paid is None else paid
    balance = max(chargeable_total(order) - paid, ZERO)
    invoices = [
        InvoiceFigures(invoice=invoice, order_total=order.total) for invoice in order.invoices.all()
    ]
    standing = [f.invoice for f in invoices if f.invoice.status != Invoice.Status.CANCELLED]
    open_amount = sum((f.invoice.amount for f in invoices if f.is_open), ZERO)
    if open_amount:
        # Money is set against invoices oldest first (`ledger.invoices_settle`): what was
        # paid beyond the settled ones goes to the open ones.
        invoiced = sum((invoice.amount for invoice in standing), ZERO)
        due_now = min(open_amount, max(invoiced - paid, ZERO))
    else:
        due_now = terms_due_now(order, paid)
    return MoneySummary(
        total=order.total,
        paid=paid,
        balance=balance,
        due_now=min(due_now, balance),
        invoices=invoices,
    )
