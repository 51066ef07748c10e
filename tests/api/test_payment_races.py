"""Racing identical payment posts: one payment, one 201, the rest 200 with the same payment.

The thread race runs on PostgreSQL (the CI's second run); the plain test runs everywhere.
"""

from collections import Counter

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts.roles import Role
from orders.lifecycle import State
from orders.models import OrderEvent, Payment
from tests.orders.factories import OrderFactory
from tests.races import race

BODY = {"amount": "1000.00", "reference": "п/п 42", "paid_at": "2026-03-01T10:00:00+03:00"}


def _post(key, order):
    return APIClient().post(
        f"/api/v1/orders/{order.pk}/payments/",
        BODY,
        format="json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )


@pytest.mark.django_db
def test_a_repeated_post_is_200_with_the_payment_the_first_created(make_key):
    order = OrderFactory(state=State.PAYMENT)
    _client, key = make_key(roles=[Role.MANAGER])

    first = _post(key, order)
    again = _post(key, order)

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Payment.objects.filter(order=order).count() == 1
    assert OrderEvent.objects.filter(order=order, action="payment_recorded").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("role_groups")
def test_eight_racing_identical_posts_give_one_201_and_one_payment(make_key):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises them)")
    _client, key = make_key(roles=[Role.MANAGER])
    statuses = Counter()
    payments = Counter()
    for _round in range(5):
        order = OrderFactory(state=State.PAYMENT)

        responses = race(8, lambda _index, order=order: _post(key, order))

        statuses.update(response.status_code for response in responses)
        payments[Payment.objects.filter(order=order).count()] += 1
        assert len({response.json()["id"] for response in responses}) == 1

    assert statuses == {201: 5, 200: 35}, (statuses, payments)
    assert payments == {1: 5}
    assert OrderEvent.objects.filter(action="payment_recorded").count() == 5
