"""The money side of an order page, the same in both portals: what was asked, paid and
refunded, what is due now, which documents exist, and how the viewer may pay."""

from dataclasses import dataclass, field
from decimal import Decimal

from billing.documents.generate import DocumentSpec, documents_available
from billing.providers import providers_available
from billing.services import amount_due_now
from customers.models import LedgerEntry
from customers.selectors import customer_balance
from orders.ledger import chargeable_total
from orders.models import Invoice, Order, Payment

ZERO = Decimal("0.00")


@dataclass
class OrderMoney:
    paid: Decimal
    outstanding: Decimal
    due_now: Decimal
    invoices: list[Invoice]
    payments: list[Payment]
    documents: list[DocumentSpec]
    providers: list = field(default_factory=list)
    balance: Decimal = ZERO
    balance_payable: Decimal = ZERO
    bonus: Decimal = ZERO
    bonus_payable: Decimal = ZERO


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
    summary = OrderMoney(
        paid=paid,
        outstanding=max(chargeable_total(order) - paid, ZERO),
        due_now=due_now,
        invoices=invoices,
        payments=payments,
        documents=documents_available(order),
        providers=providers_available(
            order,
            open_invoices=[i for i in invoices if i.status == Invoice.Status.ISSUED],
            due_now=due_now,
        ),
    )
    workflow = order.workflow
    if due_now > 0 and (workflow is None or workflow.allow_balance_payment):
        summary.balance = customer_balance(
            customer=order.customer, account=LedgerEntry.Account.MONEY
        )
        summary.balance_payable = min(max(summary.balance, ZERO), due_now)
    if due_now > 0 and workflow is not None and workflow.allow_bonus_payment:
        summary.bonus = customer_balance(customer=order.customer, account=LedgerEntry.Account.BONUS)
        summary.bonus_payable = min(max(summary.bonus, ZERO), due_now)
    return summary
