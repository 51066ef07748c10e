"""The money side of an order page, the same in both portals: what was asked, paid and
refunded, what is due now, which documents exist, and how the viewer may pay."""

from dataclasses import dataclass
from decimal import Decimal

from billing.documents.generate import DocumentSpec, documents_available
from billing.gateway.client import gateway_configured
from billing.services import amount_due_now
from customers.models import LedgerEntry
from orders.lifecycle import State
from orders.models import Invoice, Order, Payment
from orders.money import ledger_balance

ZERO = Decimal("0.00")


@dataclass
class OrderMoney:
    paid: Decimal
    outstanding: Decimal
    due_now: Decimal
    invoices: list[Invoice]
    payments: list[Payment]
    documents: list[DocumentSpec]
    may_pay_online: bool = False
    balance: Decimal = ZERO
    balance_payable: Decimal = ZERO


def order_money(order: Order, user) -> OrderMoney:
    """Reads the order's prefetched payments, refunds and invoices: a fixed number of queries."""
    payments = list(order.payments.all())
    refunded = {payment.pk: ZERO for payment in payments}
    for refund in order.refunds.all():
        refunded[refund.payment_id] += refund.amount
    for payment in payments:
        payment.refunded_amount = refunded[payment.pk]
    paid = sum((payment.amount for payment in payments), ZERO) - sum(refunded.values(), ZERO)
    due_now = amount_due_now(order, paid)
    invoices = list(order.invoices.all())
    open_invoice = any(invoice.status == Invoice.Status.ISSUED for invoice in invoices)
    summary = OrderMoney(
        paid=paid,
        outstanding=max(order.total - paid, ZERO),
        due_now=due_now,
        invoices=invoices,
        payments=payments,
        documents=documents_available(order),
        may_pay_online=(due_now > 0 or open_invoice)
        and order.state not in (State.CANCELLED, State.CLOSED)
        and gateway_configured(),
    )
    workflow = order.workflow
    if due_now > 0 and (workflow is None or workflow.allow_balance_payment):
        summary.balance = ledger_balance(order.customer, LedgerEntry.Account.MONEY)
        summary.balance_payable = min(max(summary.balance, ZERO), due_now)
    return summary
