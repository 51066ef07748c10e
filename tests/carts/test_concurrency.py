"""Racing submits on PostgreSQL, with real threads and connections (SQLite serialises writers)."""

import pytest
from django.db import connection

from carts.errors import CartSubmittedError
from carts.models import Cart
from carts.services import cart_add_item, cart_submit
from orders.models import Order
from tests.catalog.factories import ItemFactory
from tests.factories import ContactFactory
from tests.races import race

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("role_groups"),
]


def test_ten_submits_of_one_cart_at_once_make_one_order():
    if connection.vendor != "postgresql":
        pytest.skip("row-lock races are measured on PostgreSQL (the CI's second run)")
    contact = ContactFactory()
    cart_add_item(by=contact.user, item=ItemFactory(), quantity=1)
    copies = [Cart.objects.get() for _ in range(10)]

    results = race(10, lambda index: cart_submit(by=contact.user, cart=copies[index]))

    orders = [result for result in results if isinstance(result, Order)]
    assert len(orders) == 1, results
    assert all(isinstance(result, CartSubmittedError) for result in results if result not in orders)
    assert Order.objects.count() == 1
    assert Cart.objects.get().order == orders[0]
