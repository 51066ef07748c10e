"""Races on PostgreSQL with real threads: one key, one order; one external ID, one customer."""

from collections import Counter

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts.roles import Role
from customers.models import Customer
from orders.models import Order
from tests.api.helpers import order_body
from tests.catalog.factories import ItemFactory
from tests.factories import CustomerFactory
from tests.races import race

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("role_groups")]


@pytest.fixture
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises them)")


@pytest.mark.usefixtures("postgresql_only")
def test_eight_concurrent_posts_with_one_key_create_one_order(make_key):
    CustomerFactory(external_id="C-1")
    ItemFactory(external_id="SKU-1", sku="SKU-1")
    _client, key = make_key(roles=[Role.MANAGER])
    body = order_body(lines=[{"item": {"external_id": "SKU-1"}, "quantity": "1"}])

    def post(_index):
        http = APIClient()
        response = http.post(
            "/api/v1/orders/",
            body,
            format="json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
            HTTP_IDEMPOTENCY_KEY="same-key",
        )
        return response.status_code, response.json()["id"], response.get("Idempotent-Replayed")

    results = race(8, post)

    assert Order.objects.count() == 1
    assert Counter(status for status, _id, _replayed in results) == {201: 8}
    assert {order_id for _status, order_id, _replayed in results} == {Order.objects.get().pk}
    assert Counter(replayed for _status, _id, replayed in results) == {None: 1, "true": 7}


@pytest.mark.usefixtures("postgresql_only")
def test_concurrent_upserts_of_one_external_id_make_one_customer(make_key):
    _client, key = make_key(roles=[Role.MANAGER])

    def put(index):
        return (
            APIClient()
            .put(
                "/api/v1/customers/by-external-id/C-7/",
                {"name": f"ООО {index}"},
                format="json",
                HTTP_AUTHORIZATION=f"Bearer {key}",
            )
            .status_code
        )

    results = race(8, put)

    assert Customer.objects.filter(external_id="C-7").count() == 1
    assert Counter(results) == {201: 1, 200: 7}


@pytest.mark.usefixtures("postgresql_only")
def test_concurrent_subscriptions_never_exceed_the_per_key_limit(make_key, settings):
    settings.WEBHOOK_MAX_SUBSCRIPTIONS_PER_KEY = 3
    client, key = make_key(roles=[Role.MANAGER])

    def subscribe(index):
        response = APIClient().post(
            "/api/v1/webhooks/",
            {"url": f"https://erp.example.com/hooks/{index}", "events": ["order.*"]},
            format="json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )
        return response.status_code

    results = race(8, subscribe)

    assert Counter(results) == {201: 3, 422: 5}
    assert client.webhook_subscriptions.count() == 3
