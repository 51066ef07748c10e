"""Partial payments, invoices, overpayment, refunds and paying from the ledger."""

from decimal import Decimal

import pytest

from accounts.roles import Role
from customers.models import LedgerEntry
from customers.selectors import customer_balance
from orders.errors import OrderPermissionError, OrderValidationError
from orders.lifecycle import DeliveryStatus, PaymentTerms, State
from orders.models import Invoice, Order, Payment, Refund
from orders.services import invoice_issue, payment_record, payment_refund
from tests.factories import ContactFactory, LedgerEntryFactory
from tests.orders.factories import OrderFactory, WorkflowFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(make_staff):
    return make_staff(Role.MANAGER)


def _order(percent="100", total="1000.00", **kwargs):
    workflow = WorkflowFactory(
        uses_quote=False, uses_contract=False, prepayment_percent=Decimal(percent)
    )
    return OrderFactory(
        state=State.PAYMENT,
        workflow=workflow,
        prepayment_percent=Decimal(percent),
        total=Decimal(total),
        **kwargs,
    )


def _money(customer):
    return customer_balance(customer=customer, account=LedgerEntry.Account.MONEY)


def test_half_prepaid_on_half_terms_starts_production_and_the_final_invoice_is_the_rest(manager):
    order = _order(percent="50")

    prepayment = invoice_issue(order=order, kind=Invoice.Kind.PREPAYMENT, by=manager)
    assert prepayment.amount == Decimal("500.00")
    assert prepayment.number == f"{order.number}-1"

    payment_record(order=order, amount="500.00", reference="BANK-1", by=manager)

    order.refresh_from_db()
    assert order.state == State.PRODUCTION
    prepayment.refresh_from_db()
    assert prepayment.status == Invoice.Status.PAID
    final = invoice_issue(order=order, kind=Invoice.Kind.FINAL, by=manager)
    assert final.amount == Decimal("500.00")
    assert final.status == Invoice.Status.ISSUED
    assert _money(order.customer) == Decimal("0.00")


def test_a_partial_payment_below_the_terms_keeps_the_order_at_payment(manager):
    order = _order(percent="50")

    payment_record(order=order, amount="499.99", reference="BANK-1", by=manager)

    assert Order.objects.get(pk=order.pk).state == State.PAYMENT
    # Partial payments add up.
    payment_record(order=order, amount="0.01", reference="BANK-2", by=manager)
    assert Order.objects.get(pk=order.pk).state == State.PRODUCTION


def test_a_post_paid_order_closes_when_paid_in_full(manager):
    order = _order(
        payment_terms=PaymentTerms.POSTPAY, delivery_status=DeliveryStatus.HANDED_TO_CLIENT
    )

    payment_record(order=order, amount="1000.00", reference="BANK-1", by=manager)

    order.refresh_from_db()
    assert order.state == State.CLOSED


def test_overpayment_lands_in_the_ledger_and_a_refund_reverses_it(manager):
    order = _order()

    payment = payment_record(order=order, amount="1200.00", reference="BANK-1", by=manager)

    assert _money(order.customer) == Decimal("200.00")
    entries = LedgerEntry.objects.filter(reference=f"payment:{payment.pk}")
    assert sorted(entry.amount for entry in entries) == [Decimal("-1000.00"), Decimal("1200.00")]
    assert order.events.get(action="payment_recorded").payload["overpayment"] == "200.00"

    refund = payment_refund(payment=payment, amount="200.00", reason="Overpaid", by=manager)

    assert _money(order.customer) == Decimal("0.00")
    assert LedgerEntry.objects.get(reference=f"refund:{refund.pk}").amount == Decimal("-200.00")
    order.refresh_from_db()
    assert order.amount_paid() == Decimal("1000.00")
    assert order.events.filter(action="payment_refunded").count() == 1


def test_refunding_past_the_overpayment_reverses_the_orders_charge(manager):
    order = _order()
    payment = payment_record(order=order, amount="1000.00", reference="BANK-1", by=manager)

    payment_refund(payment=payment, amount="300.00", reason="Line not delivered", by=manager)

    order.refresh_from_db()
    assert order.amount_paid() == Decimal("700.00")
    # The money left us and the order owes 300 again: the balance is back to where it was.
    assert _money(order.customer) == Decimal("0.00")
    kinds = dict(
        LedgerEntry.objects.filter(reference__startswith="refund:").values_list("kind", "amount")
    )
    assert kinds == {
        LedgerEntry.Kind.REFUND: Decimal("-300.00"),
        LedgerEntry.Kind.ADJUSTMENT: Decimal("300.00"),
    }


def test_a_refund_never_exceeds_what_is_left_of_the_payment(manager):
    order = _order()
    payment = payment_record(order=order, amount="1000.00", reference="BANK-1", by=manager)
    payment_refund(payment=payment, amount="600.00", reason="Part", by=manager)

    with pytest.raises(OrderValidationError) as error:
        payment_refund(payment=payment, amount="400.01", reason="Too much", by=manager)

    assert error.value.errors == {"amount": ["At most 400.00 is left to refund on this payment."]}
    assert Refund.objects.count() == 1


def test_a_refund_needs_a_reason(manager):
    order = _order()
    payment = payment_record(order=order, amount="1000.00", reference="BANK-1", by=manager)

    with pytest.raises(OrderValidationError) as error:
        payment_refund(payment=payment, amount="10", reason=" ", by=manager)

    assert "reason" in error.value.errors
    assert not Refund.objects.exists()


def test_a_client_pays_from_their_balance_but_cannot_record_a_bank_payment():
    contact = ContactFactory()
    order = _order(customer=contact.customer)
    LedgerEntryFactory(customer=contact.customer, amount=Decimal("1500.00"))

    with pytest.raises(OrderPermissionError):
        payment_record(order=order, amount="1000.00", by=contact.user)

    payment_record(order=order, amount="1000.00", by=contact.user, method=Payment.Method.BALANCE)

    order.refresh_from_db()
    assert order.state == State.PRODUCTION
    assert _money(order.customer) == Decimal("500.00")


def test_paying_from_the_balance_is_limited_by_the_balance_and_the_debt(manager):
    order = _order()
    LedgerEntryFactory(customer=order.customer, amount=Decimal("300.00"))

    with pytest.raises(OrderValidationError) as error:
        payment_record(order=order, amount="400", by=manager, method=Payment.Method.BALANCE)
    assert error.value.errors == {"amount": ["Not enough money on the account balance."]}

    LedgerEntryFactory(customer=order.customer, amount=Decimal("5000.00"))
    with pytest.raises(OrderValidationError) as error:
        payment_record(order=order, amount="1000.01", by=manager, method=Payment.Method.BALANCE)
    assert error.value.errors == {"amount": ["The amount is more than the order still owes."]}
    assert not Payment.objects.exists()


def test_bonus_points_pay_only_where_the_workflow_allows(manager):
    order = _order()
    LedgerEntryFactory(
        customer=order.customer,
        account=LedgerEntry.Account.BONUS,
        kind=LedgerEntry.Kind.BONUS_ACCRUAL,
        amount=Decimal("100.00"),
    )

    with pytest.raises(OrderValidationError) as error:
        payment_record(order=order, amount="100", by=manager, method=Payment.Method.BONUS)
    assert error.value.errors == {"method": ["This payment method is not allowed for this order."]}

    order.workflow.allow_bonus_payment = True
    order.workflow.save()
    payment_record(order=order, amount="100", by=manager, method=Payment.Method.BONUS)

    assert customer_balance(customer=order.customer, account=LedgerEntry.Account.BONUS) == Decimal(
        "0.00"
    )
    assert Order.objects.get(pk=order.pk).amount_paid() == Decimal("100.00")


def test_nothing_to_invoice_is_refused(manager):
    order = _order()
    payment_record(order=order, amount="1000.00", reference="BANK-1", by=manager)

    with pytest.raises(OrderValidationError) as error:
        invoice_issue(order=order, kind=Invoice.Kind.FINAL, by=manager)

    assert error.value.errors == {"amount": ["Nothing is left to pay on this order."]}
    assert not Invoice.objects.exists()


# A total that changes after payments


def _amend(order, manager, price):
    from orders.services import LineInput, order_amend
    from tests.catalog.factories import ItemFactory

    item = ItemFactory(price=Decimal(price))
    amended = order_amend(order=order, lines=[LineInput(item=item, quantity=1)], by=manager)
    assert amended.total == Decimal(price)
    return amended


def test_a_lower_total_after_a_payment_credits_the_excess_and_a_higher_one_takes_it_back(
    manager,
):
    order = _order()
    payment_record(order=order, amount="600.00", reference="BANK-1", by=manager)
    assert _money(order.customer) == Decimal("0.00")

    order = _amend(Order.objects.get(pk=order.pk), manager, "500.00")

    assert _money(order.customer) == Decimal("100.00")
    credit = LedgerEntry.objects.get(reference__startswith=f"order-total:{order.pk}:")
    assert credit.kind == LedgerEntry.Kind.ADJUSTMENT
    assert f"Order {order.number} now costs 500.00" in credit.description

    order = _amend(order, manager, "1000.00")

    assert _money(order.customer) == Decimal("0.00")
    assert order.amount_paid() == Decimal("600.00")


def test_a_refund_after_the_total_fell_returns_only_the_credited_excess(manager):
    order = _order()
    payment = payment_record(order=order, amount="600.00", reference="BANK-1", by=manager)
    _amend(Order.objects.get(pk=order.pk), manager, "500.00")

    payment_refund(payment=payment, amount="100.00", reason="Overpaid after amending", by=manager)

    # The 100 credited went back out: nothing left on the account, the order fully paid.
    assert _money(order.customer) == Decimal("0.00")
    order.refresh_from_db()
    assert order.amount_paid() == order.total == Decimal("500.00")


def test_payments_from_the_balance_stay_charged_and_bank_money_is_credited_first(manager):
    order = _order()
    LedgerEntryFactory(customer=order.customer, amount=Decimal("300.00"))
    payment_record(
        order=order, amount="300.00", method=Payment.Method.BALANCE, reference="", by=manager
    )
    payment_record(order=order, amount="300.00", reference="BANK-1", by=manager)

    _amend(Order.objects.get(pk=order.pk), manager, "400.00")

    # 600 paid for a 400 order: 200 back on the account.
    assert _money(order.customer) == Decimal("200.00")


def test_amending_an_unpaid_order_writes_nothing_to_the_ledger(manager):
    order = _order()

    _amend(order, manager, "500.00")

    assert not LedgerEntry.objects.filter(customer=order.customer).exists()


def test_cancelling_a_paid_order_credits_its_money_and_a_refund_sends_it_back_out(manager):
    from orders.services import order_transition

    order = _order()
    payment = payment_record(order=order, amount="600.00", reference="BANK-1", by=manager)

    order = order_transition(
        order=Order.objects.get(pk=order.pk), transition="cancel", by=manager, reason="Отказ"
    )

    assert _money(order.customer) == Decimal("600.00")
    payment_refund(payment=payment, amount="600.00", reason="Order cancelled", by=manager)
    assert _money(order.customer) == Decimal("0.00")
    assert Order.objects.get(pk=order.pk).amount_paid() == Decimal("0.00")


def test_money_arriving_for_a_cancelled_order_stays_on_the_account(manager):
    from orders.services import order_transition

    order = order_transition(order=_order(), transition="cancel", by=manager, reason="Отказ")

    payment = payment_record(order=order, amount="250.00", reference="LATE-1", by=manager)

    assert _money(order.customer) == Decimal("250.00")
    assert order.events.get(action="payment_recorded").payload["overpayment"] == "250.00"
    payment_refund(payment=payment, amount="250.00", reason="Order cancelled", by=manager)
    assert _money(order.customer) == Decimal("0.00")
