"""Races on PostgreSQL, with real threads and connections (SQLite serialises writers anyway)."""

import threading
from collections import Counter

import pytest
from django.db import connection, connections

from orders.errors import OrderConflictError
from orders.lifecycle import State
from orders.models import Order, OrderEvent
from orders.services import order_create, order_transition
from tests.factories import CustomerFactory
from tests.orders.factories import OrderFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("role_groups"),
]


def _skip_unless_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("row-lock races are measured on PostgreSQL (the CI's second run)")


def _race(count, work):
    """Run `work(index)` in `count` threads released at once; return each result or error."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(index):
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as error:  # the outcome is what we count
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_twenty_threads_moving_one_order_give_one_winner():
    _skip_unless_postgresql()
    order = OrderFactory(state=State.REQUEST)
    copies = [Order.objects.get(pk=order.pk) for _ in range(20)]

    results = _race(
        20, lambda index: order_transition(order=copies[index], transition="start_quote", by=None)
    )

    outcomes = Counter(type(result).__name__ for result in results)
    assert outcomes == {"Order": 1, "OrderConflictError": 19}
    assert all(isinstance(r, (Order, OrderConflictError)) for r in results)
    assert Order.objects.get(pk=order.pk).state == State.QUOTE
    assert OrderEvent.objects.filter(order=order).count() == 1
    assert order.quotes.count() == 1


def test_fifty_threads_creating_orders_get_unique_numbers():
    _skip_unless_postgresql()
    customer = CustomerFactory()

    results = _race(
        50,
        lambda index: order_create(
            customer=customer, kind="support", channel="api", by=None, lines=[], comment=f"#{index}"
        ),
    )

    assert all(isinstance(result, Order) for result in results), results
    numbers = sorted(result.number for result in results)
    assert len(set(numbers)) == 50
    year, first = numbers[0].split("-")
    start = int(first)
    assert numbers == [f"{year}-{value:06d}" for value in range(start, start + 50)]
    assert Order.objects.count() == 50
