"""The money side of an order page, the same in both portals: what was asked, paid and
refunded, what is due now, which documents exist, and how the viewer may pay.

The figures (total, paid, balance, due now, invoice labels) are `orders.money_summary`'s,
the ones the PDFs, the emails and the API show."""

from dataclasses import dataclass, field
from decimal import Decimal

from billing.documents.generate import DocumentSpec, documents_available
from billing.providers import providers_available
from customers.models import LedgerEntry
from customers.selectors import customer_balance
from orders.models import Order, Payment
from orders.money_summary import InvoiceFigures, money_summary

ZERO = Decimal("0.00")


@dataclass
class OrderMoney:
    total: Decimal
    paid: Decimal
    outstanding: Decimal
    due_now: Decimal
    invoices: list[InvoiceFigures]
    payments: list[Payment]
    documents: list[DocumentSpec]
    providers: list = field(default_factory=list)
    balance: Decimal = ZERO
    balance_payable: Decimal = ZERO
    bonus: Decimal = ZERO
    bonus_payable: Decimal = ZERO


def order_money(order: Order, user, *, balances: bool = True) -> OrderMoney:
    """Reads the order's prefetched payments, refunds and invoices: a fixed number of queries.

    `balances=False`: without what the customer's balance and bonus could pay (the client
    pays with them; the manager's page does not show them), a query each saved."""
    payments = list(order.payments.all())
    refunded = {payment.pk: ZERO for payment in payments}
    for refund in order.refunds.all():
        refunded[refund.payment_id] += refund.amount
    for payment in payments:
        payment.refunded_amount = refunded[payment.pk]
    figures = money_summary(order)
    due_now = figures.due_now
    summary = OrderMoney(
        total=figures.total,
        paid=figures.paid,
        outstanding=figures.balance,
        due_now=due_now,
        invoices=figures.invoices,
        payments=payments,
        documents=documents_available(order),
        providers=providers_available(order, open_invoices=figures.open_invoices, due_now=due_now),
    )
    workflow = order.workflow
    if not balances:
        return summary
    if due_now > 0 and (workflow is None or workflow.allow_balance_payment):
        summary.balance = customer_balance(
            customer=order.customer, account=LedgerEntry.Account.MONEY
        )
        summary.balance_payable = min(max(summary.balance, ZERO), due_now)
    if due_now > 0 and workflow is not None and workflow.allow_bonus_payment:
        summary.bonus = customer_balance(customer=order.customer, account=LedgerEntry.Account.BONUS)
        summary.bonus_payable = min(max(summary.bonus, ZERO), due_now)
    return summary
