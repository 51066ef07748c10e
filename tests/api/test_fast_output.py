"""The read serializers' fast output (`api.output`) is what DRF's own rendering gives."""

from decimal import Decimal

import pytest
from django.db.models import Manager
from rest_framework import serializers
from rest_framework.fields import SkipField

from api import serializers as api
from orders.selectors import order_get_for_user, order_list_for_user
from orders.services import LineInput, order_create, payment_record
from tests.orders.factories import QuoteFactory

pytestmark = pytest.mark.django_db


def _drf(serializer, instance):
    """`Serializer.to_representation` as DRF runs it, at every level of nesting."""
    if isinstance(serializer, serializers.ListSerializer):
        items = instance.all() if isinstance(instance, Manager) else instance
        return [_drf(serializer.child, item) for item in items]
    output = {}
    for field in serializer.fields.values():
        if field.write_only:
            continue
        try:
            attribute = field.get_attribute(instance)
        except SkipField:
            continue
        if attribute is None:
            output[field.field_name] = None
        elif isinstance(field, serializers.BaseSerializer):
            output[field.field_name] = _drf(field, attribute)
        else:
            output[field.field_name] = field.to_representation(attribute)
    return output


@pytest.fixture
def order(catalog, manager_user):
    created = order_create(
        customer=catalog["customer"],
        kind="product",
        lines=[
            LineInput(item=catalog["sofa"], quantity=2, custom_values={"fabric": "Велюр"}),
            LineInput(item=None, name="Доставка", quantity=1, unit_price="500.50"),
        ],
        by=manager_user,
        channel="api",
        delivery_method="pickup",
    )
    QuoteFactory(order=created)
    payment_record(order=created, amount=Decimal("1000.00"), by=manager_user)
    return created


def test_an_order_in_full_renders_as_drf_renders_it(order, manager_user):
    detail = order_get_for_user(user=manager_user, order_id=order.pk)

    fast = api.OrderDetailSerializer(detail).data

    assert fast == _drf(api.OrderDetailSerializer(detail), detail)
    assert fast["lines"][1]["item"] is None
    assert fast["payments"][0]["amount"] == "1000.00"


def test_a_page_of_summaries_renders_as_drf_renders_it(order, manager_user):
    page = order_list_for_user(user=manager_user).select_related(None).select_related("customer")
    orders = list(page.only(*api.ORDER_SUMMARY_COLUMNS))

    fast = api.OrderSummarySerializer(orders, many=True).data

    assert fast == _drf(api.OrderSummarySerializer(orders, many=True), orders)
    assert fast[0]["customer"]["external_id"] == "C-1"
