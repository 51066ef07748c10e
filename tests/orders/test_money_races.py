"""One balance, two orders: spending it twice at once must leave one winner; one refund
action, one refund.

The thread races run on PostgreSQL (the CI's second run); SQLite takes the write lock
when a transaction starts, so there the plain tests check the same rule one call after
the other.
"""

import uuid
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection

from customers.models import LedgerEntry
from customers.selectors import customer_balance
from customers.services import ledger_entry_post
from orders.errors import OrderConflictError, OrderValidationError
from orders.lifecycle import State
from orders.models import OrderEvent, Payment, Refund
from orders.services import payment_record, payment_refund
from tests.factories import CustomerFactory
from tests.orders.factories import OrderFactory, WorkflowFactory
from tests.races import race

ROUNDS = 20
THREADS = 6
ACCOUNTS = {
    Payment.Method.BALANCE: (LedgerEntry.Account.MONEY, LedgerEntry.Kind.ADJUSTMENT),
    Payment.Method.BONUS: (LedgerEntry.Account.BONUS, LedgerEntry.Kind.BONUS_ACCRUAL),
}


def _customer_with_two_orders(method):
    """A customer holding 100 on the account `method` spends, and two orders owing 100 each."""
    customer = CustomerFactory()
    account, kind = ACCOUNTS[method]
    ledger_entry_post(
        customer=customer, account=account, kind=kind, amount=Decimal("100.00"), reference="start"
    )
    workflow = WorkflowFactory(
        uses_quote=False, uses_contract=False, allow_balance_payment=True, allow_bonus_payment=True
    )
    orders = [
        OrderFactory(
            state=State.PAYMENT,
            customer=customer,
            workflow=workflow,
            total=Decimal("100.00"),
            subtotal=Decimal("100.00"),
        )
        for _ in range(2)
    ]
    return customer, account, orders


def _lowest_running_balance(customer, account) -> Decimal:
    running = lowest = Decimal("0.00")
    for amount in (
        LedgerEntry.objects.filter(customer=customer, account=account)
        .order_by("id")
        .values_list("amount", flat=True)
    ):
        running += amount
        lowest = min(lowest, running)
    return lowest


@pytest.mark.django_db
@pytest.mark.parametrize("method", [Payment.Method.BALANCE, Payment.Method.BONUS])
def test_the_second_order_cannot_spend_what_the_first_spent(method):
    customer, account, (first, second) = _customer_with_two_orders(method)
    payment_record(order=first, amount="100.00", by=None, method=method)

    with pytest.raises(OrderValidationError) as error:
        payment_record(order=second, amount="100.00", by=None, method=method)

    assert error.value.errors == {
        "amount": [
            "Not enough bonus points."
            if method == Payment.Method.BONUS
            else "Not enough money on the account balance."
        ]
    }
    assert customer_balance(customer=customer, account=account) == Decimal("0.00")
    assert not second.payments.exists()
    assert not OrderEvent.objects.filter(order=second, action="payment_recorded").exists()


@pytest.mark.django_db
def test_one_refund_key_twice_records_one_refund():
    _customer, _account, (order, _other) = _customer_with_two_orders(Payment.Method.BALANCE)
    payment = payment_record(order=order, amount="150.00", reference="BANK-1", by=None)
    key = uuid.uuid4()

    first = payment_refund(
        payment=payment, amount="50.00", reason="Overpaid", by=None, idempotence_key=key
    )
    entries = LedgerEntry.objects.count()
    again = payment_refund(
        payment=payment, amount="50.00", reason="Overpaid", by=None, idempotence_key=key
    )

    assert again.pk == first.pk
    assert Refund.objects.count() == 1
    assert LedgerEntry.objects.count() == entries
    assert OrderEvent.objects.filter(order=order, action="payment_refunded").count() == 1


@pytest.mark.django_db
def test_a_refund_key_of_another_payment_is_a_conflict():
    _customer, _account, orders = _customer_with_two_orders(Payment.Method.BALANCE)
    payments = [
        payment_record(order=order, amount="100.00", reference="BANK-1", by=None)
        for order in orders
    ]
    key = uuid.uuid4()
    payment_refund(payment=payments[0], amount="10.00", reason="x", by=None, idempotence_key=key)

    with pytest.raises(OrderConflictError):
        payment_refund(
            payment=payments[1], amount="10.00", reason="x", by=None, idempotence_key=key
        )

    assert not payments[1].refunds.exists()


# Threads on PostgreSQL.


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("method", [Payment.Method.BALANCE, Payment.Method.BONUS])
def test_threads_spending_one_balance_on_two_orders_give_one_winner(method):
    if connection.vendor != "postgresql":
        pytest.skip("row-lock races are measured on PostgreSQL (the CI's second run)")
    winners_per_round = Counter()
    outcomes = Counter()
    payments = Counter()
    balances = Counter()
    lowest = Decimal("0.00")
    for _round in range(ROUNDS):
        customer, account, orders = _customer_with_two_orders(method)

        results = race(
            THREADS,
            lambda index, orders=orders: payment_record(
                order=orders[index % 2], amount="100.00", by=None, method=method
            ),
        )

        outcomes.update(type(result).__name__ for result in results)
        winners_per_round[sum(isinstance(result, Payment) for result in results)] += 1
        lowest = min(lowest, _lowest_running_balance(customer, account))
        balances[customer_balance(customer=customer, account=account)] += 1
        payments[Payment.objects.filter(order__customer=customer).count()] += 1

    assert winners_per_round == {1: ROUNDS}, (winners_per_round, outcomes, lowest)
    assert payments == {1: ROUNDS}
    assert balances == {Decimal("0.00"): ROUNDS}
    assert outcomes == {"Payment": ROUNDS, "OrderValidationError": ROUNDS * (THREADS - 1)}
    assert lowest == Decimal("0.00")


@pytest.mark.django_db(transaction=True)
def test_threads_sending_one_refund_key_record_one_refund():
    if connection.vendor != "postgresql":
        pytest.skip("row-lock races are measured on PostgreSQL (the CI's second run)")
    recorded = Counter()
    answers = Counter()
    for _round in range(ROUNDS):
        _customer, _account, (order, _other) = _customer_with_two_orders(Payment.Method.BALANCE)
        payment = payment_record(order=order, amount="150.00", reference="BANK-1", by=None)
        key = uuid.uuid4()

        results = race(
            THREADS,
            lambda _index, payment=payment, key=key: payment_refund(
                payment=payment, amount="50.00", reason="Overpaid", by=None, idempotence_key=key
            ),
        )

        recorded[payment.refunds.count()] += 1
        answers[len({getattr(result, "pk", repr(result)) for result in results})] += 1

    assert recorded == {1: ROUNDS}, (recorded, answers)
    assert answers == {1: ROUNDS}
    assert OrderEvent.objects.filter(action="payment_refunded").count() == ROUNDS
