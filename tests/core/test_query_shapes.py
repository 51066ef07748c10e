"""A query shape gives what its queryset gives, compiled once."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext

from core.query_shapes import QueryShape
from orders.models import Order
from tests.factories import CustomerFactory
from tests.orders.factories import OrderFactory, QuoteFactory

pytestmark = pytest.mark.django_db


def _orders_of(*, customer_id, minimum_total):
    return (
        Order.objects.filter(Q(customer_id=customer_id) | Q(pk=-1), total__gte=minimum_total)
        .select_related("customer", "manager", "related_order")
        .annotate(quote_count=Count("quotes"))
        .order_by("-id")
    )


def test_a_shape_gives_the_querysets_instances_with_their_joins_and_annotations():
    customer = CustomerFactory()
    first = OrderFactory(customer=customer, total=500)
    OrderFactory(customer=customer, total=5, related_order=first)
    second = OrderFactory(customer=customer, total=900, related_order=first, manager=None)
    QuoteFactory(order=second, version=1)
    OrderFactory(total=900)  # another customer's
    shape = QueryShape(_orders_of, "customer_id", "minimum_total")

    got = shape.objects(customer_id=customer.pk, minimum_total=100)
    expected = list(_orders_of(customer_id=customer.pk, minimum_total=100))

    assert [order.pk for order in got] == [second.pk, first.pk]
    for mine, django in zip(got, expected, strict=True):
        assert mine.__dict__.keys() - {"_state"} == django.__dict__.keys() - {"_state"}
        for name in ("number", "total", "created_at", "state", "customer_id", "quote_count"):
            assert getattr(mine, name) == getattr(django, name)
        assert mine.customer.name == customer.name
        assert mine.manager == django.manager
        assert mine.related_order == django.related_order
        assert mine._state.adding is False
        assert mine._state.db == "default"
    assert got[0].quote_count == 1
    assert got[0].manager is None


def test_it_compiles_once_and_sends_one_statement_per_run(monkeypatch):
    customer = CustomerFactory()
    OrderFactory(customer=customer, total=10)
    built = []
    shape = QueryShape(
        lambda **values: built.append(values) or _orders_of(**values),
        *(
            "customer_id",
            "minimum_total",
        ),
    )

    with CaptureQueriesContext(connection) as queries:
        runs = [shape.objects(customer_id=customer.pk, minimum_total=n) for n in (0, 5, 50)]

    assert [len(run) for run in runs] == [1, 1, 0]
    assert len(built) == 1
    assert len(queries) == 3


def test_a_value_the_query_does_not_hold_is_refused_when_compiled():
    shape = QueryShape(lambda **values: Order.objects.filter(pk=1), "order_id")

    with pytest.raises(ImproperlyConfigured, match="order_id"):
        shape.objects(order_id=5)


def test_a_text_value_is_put_in_its_place_and_an_unknown_one_refused():
    wanted = CustomerFactory(external_id="1C-7")
    CustomerFactory(external_id="1C-8")
    shape = QueryShape(
        lambda *, external_id: Order.objects.filter(customer__external_id=external_id),
        "external_id",
        text=["external_id"],
    )
    mine = OrderFactory(customer=wanted)
    OrderFactory(customer=CustomerFactory(external_id="1C-9"))

    assert [order.pk for order in shape.objects(external_id="1C-7")] == [mine.pk]
    assert shape.objects(external_id="1C-8") == []
    with pytest.raises(ImproperlyConfigured, match="customer_id"):
        QueryShape(lambda **values: Order.objects.all(), "external_id", text=["customer_id"])
