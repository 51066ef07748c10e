"""Races on PostgreSQL, with real threads and connections (SQLite serialises writers anyway)."""

from collections import Counter

import pytest

from orders.errors import OrderConflictError
from orders.lifecycle import State
from orders.models import Order, OrderEvent
from orders.services import order_create, order_transition
from tests.factories import CustomerFactory
from tests.orders.factories import OrderFactory
from tests.races import race, skip_unless_postgresql

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("role_groups"),
]


def test_twenty_threads_moving_one_order_give_one_winner():
    skip_unless_postgresql()
    order = OrderFactory(state=State.REQUEST)
    copies = [Order.objects.get(pk=order.pk) for _ in range(20)]

    results = race(
        20, lambda index: order_transition(order=copies[index], transition="start_quote", by=None)
    )

    outcomes = Counter(type(result).__name__ for result in results)
    assert outcomes == {"Order": 1, "OrderConflictError": 19}
    assert all(isinstance(r, (Order, OrderConflictError)) for r in results)
    assert Order.objects.get(pk=order.pk).state == State.QUOTE
    assert OrderEvent.objects.filter(order=order).count() == 1
    assert order.quotes.count() == 1


def test_fifty_threads_creating_orders_get_unique_numbers():
    skip_unless_postgresql()
    customer = CustomerFactory()

    results = race(
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
