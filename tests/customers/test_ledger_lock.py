"""The ledger lock stops a second spender and lets everything else that refers to the customer
through (PostgreSQL; SQLite has no row locks)."""

import threading

import pytest
from django.db import OperationalError, connection, connections, transaction

from customers.models import LedgerEntry
from customers.services import ledger_entry_post, ledger_lock
from tests.factories import CustomerFactory
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def held_lock():
    """`held_lock(customer)`: another connection holds the customer's ledger lock until the
    test ends."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are measured on PostgreSQL")
    taken, release = threading.Event(), threading.Event()
    threads = []

    def hold(customer):
        try:
            with transaction.atomic():
                ledger_lock(customer=customer)
                taken.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    def start(customer):
        thread = threading.Thread(target=hold, args=(customer,))
        thread.start()
        threads.append(thread)
        assert taken.wait(timeout=10)

    yield start
    release.set()
    for thread in threads:
        thread.join(timeout=30)


def _with_lock_timeout(work):
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '500ms'")
        return work()


def test_a_second_ledger_write_waits_for_the_lock(held_lock):
    customer = CustomerFactory()
    held_lock(customer)

    with pytest.raises(OperationalError, match="lock timeout"):
        _with_lock_timeout(
            lambda: ledger_entry_post(customer=customer, amount=1, kind=LedgerEntry.Kind.PAYMENT)
        )

    assert not LedgerEntry.objects.exists()


def test_new_orders_of_the_customer_do_not_wait_for_the_lock(held_lock):
    customer = CustomerFactory()
    held_lock(customer)

    order = _with_lock_timeout(lambda: OrderFactory(customer=customer))

    assert order.customer_id == customer.pk
