from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from customers.models import LedgerEntry
from customers.selectors import customer_balance, customer_list_with_balances
from customers.services import ledger_entry_post
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_balance_is_the_sum_of_the_entries():
    customer = CustomerFactory()
    amounts = [Decimal("1000.00"), Decimal("-250.50"), Decimal("75.25"), Decimal("-24.75")]
    for amount in amounts:
        ledger_entry_post(customer=customer, amount=amount, kind=LedgerEntry.Kind.ADJUSTMENT)
    ledger_entry_post(
        customer=customer,
        amount=Decimal("300"),
        kind=LedgerEntry.Kind.BONUS_ACCRUAL,
        account=LedgerEntry.Account.BONUS,
    )

    annotated = customer_list_with_balances().get(pk=customer.pk)

    assert customer_balance(customer=customer) == sum(amounts) == Decimal("800.00")
    assert annotated.balance == Decimal("800.00")
    assert annotated.bonus_points == Decimal("300")
    assert customer_balance(customer=customer, account=LedgerEntry.Account.BONUS) == Decimal("300")


def test_customer_without_entries_has_zero_balance():
    customer = CustomerFactory()

    assert customer_balance(customer=customer) == Decimal("0")
    assert customer_list_with_balances().get(pk=customer.pk).balance == Decimal("0")


def test_same_reference_posts_once():
    customer = CustomerFactory()

    first = ledger_entry_post(
        customer=customer, amount=Decimal("500"), kind=LedgerEntry.Kind.PAYMENT, reference="PAY-1"
    )
    second = ledger_entry_post(
        customer=customer, amount=Decimal("500"), kind=LedgerEntry.Kind.PAYMENT, reference="PAY-1"
    )

    assert first.pk == second.pk
    assert customer.ledger_entries.count() == 1
    assert customer_balance(customer=customer) == Decimal("500")


def test_entries_are_never_edited():
    entry = ledger_entry_post(
        customer=CustomerFactory(), amount=Decimal("10"), kind=LedgerEntry.Kind.PAYMENT
    )
    entry.amount = Decimal("1000")

    with pytest.raises(ValidationError):
        entry.save()

    entry.refresh_from_db()
    assert entry.amount == Decimal("10")
