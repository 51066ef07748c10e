"""The order list filtered by state: no DISTINCT (which sorts every matching row before a
page is cut), every order once, and a fixed number of statements."""

import pytest

from orders.lifecycle import State
from tests.factories import CustomerFactory
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def _order_selects(queries) -> list[str]:
    return [
        query["sql"].upper()
        for query in queries.captured_queries
        if 'FROM "ORDERS_ORDER"' in query["sql"].upper()
    ]


def test_a_state_filter_pages_without_distinct_and_lists_each_order_once(
    manager_api, django_assert_max_num_queries
):
    customer = CustomerFactory(external_id="C-7")
    in_production = OrderFactory.create_batch(4, state=State.PRODUCTION, customer=customer)
    in_delivery = OrderFactory.create_batch(3, state=State.DELIVERY)
    OrderFactory.create_batch(2, state=State.PAYMENT)
    expected = sorted((order.pk for order in in_production + in_delivery), reverse=True)

    seen, url = [], "/api/v1/orders/?state=production&state=delivery&limit=3"
    while url:
        # The key with its user's permissions, the key's first use recorded, the throttle's
        # count, the page.
        with django_assert_max_num_queries(4) as queries:
            response = manager_api.get(url)
        assert response.status_code == 200, response.json()
        selects = _order_selects(queries)
        assert len(selects) == 1
        assert "DISTINCT" not in selects[0]
        seen += [row["id"] for row in response.json()["results"]]
        url = response.json()["next"]

    assert seen == expected


def test_the_other_filters_add_no_distinct_either(manager_api, django_assert_max_num_queries):
    customer = CustomerFactory(external_id="C-8")
    mine = OrderFactory.create_batch(3, state=State.PRODUCTION, customer=customer)
    OrderFactory(state=State.PRODUCTION)

    with django_assert_max_num_queries(4) as queries:  # as above
        response = manager_api.get(
            "/api/v1/orders/",
            {
                "state": ["production", "closed"],
                "kind": "product",
                "customer": customer.pk,
                "customer_external_id": "C-8",
                "updated_since": "2000-01-01T00:00:00Z",
            },
        )

    assert response.status_code == 200, response.json()
    assert [row["id"] for row in response.json()["results"]] == sorted(
        (order.pk for order in mine), reverse=True
    )
    assert all("DISTINCT" not in sql for sql in _order_selects(queries))
