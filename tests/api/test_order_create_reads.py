"""The reads an API order creation makes, compiled once (`core.query_shapes`), give what the
querysets they replaced gave: the key's client, the customer, the items, the workflow."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.permission_cache import with_permission_names
from accounts.roles import Role
from api.models import ApiClient
from api.selectors import api_client_for_key
from catalog.order_forms import SHAPED_ITEMS, items_for_ordering, items_for_ordering_by
from customers.models import Customer
from customers.selectors import customer_for_reference
from orders.models import Workflow
from orders.workflows import SHAPED_CATEGORIES, workflow_for
from tests.catalog.factories import CategoryFactory, ItemFactory, OrderFormFieldFactory
from tests.factories import CustomerFactory
from tests.orders.factories import WorkflowFactory

pytestmark = pytest.mark.django_db


def test_a_keys_client_is_the_one_the_orm_reads_with_its_permissions(make_key):
    client, key = make_key(roles=[Role.MANAGER])
    make_key(roles=[Role.ADMIN], name="another")
    expected = with_permission_names(
        ApiClient.objects.select_related("user").filter(pk=client.pk), user_field="user_id"
    ).get()

    with CaptureQueriesContext(connection) as queries:
        found = api_client_for_key(key)

    assert len(queries) == 1
    assert found.pk == client.pk
    assert found.user == expected.user
    assert set(found.permission_names.split(",")) == set(expected.permission_names.split(","))
    assert "orders.view_order" in found.permission_names


def test_a_key_of_a_revoked_client_or_with_a_wrong_secret_finds_none(make_key):
    client, key = make_key()
    assert api_client_for_key(key[:-1] + ("A" if key[-1] != "A" else "B")) is None
    ApiClient.objects.filter(pk=client.pk).update(revoked_at="2026-01-01T00:00:00Z")
    assert api_client_for_key(key) is None


def test_a_customer_is_found_by_key_or_external_id_and_none_otherwise():
    customer = CustomerFactory(external_id="1C-000042")
    CustomerFactory(external_id="1C-000043")

    assert customer_for_reference({"id": customer.pk}) == customer
    assert customer_for_reference({"external_id": "1C-000042"}) == customer
    assert customer_for_reference({"id": 2**63 - 1}) is None
    assert customer_for_reference({"external_id": "1C-missing"}) is None
    assert customer_for_reference({"external_id": ""}) is None
    by_orm = Customer.objects.get(external_id="1C-000042")
    found = customer_for_reference({"external_id": "1C-000042"})
    assert {k: v for k, v in found.__dict__.items() if k != "_state"} == {
        k: v for k, v in by_orm.__dict__.items() if k != "_state"
    }


def _as_read(items) -> dict:
    return {
        item.pk: (item.external_id, item.has_order_form, item.category, item.price)
        for item in items
    }


@pytest.mark.parametrize("count", [1, 3, SHAPED_ITEMS, SHAPED_ITEMS + 1])
def test_items_are_read_as_the_orm_reads_them_by_key_or_external_id(count):
    formed = CategoryFactory()
    OrderFormFieldFactory(category=formed, name="color")
    items = [
        ItemFactory(external_id=f"1C-{number}", category=formed if number % 2 else None)
        for number in range(count)
    ]
    ItemFactory(external_id="1C-other")
    keys = [item.pk for item in items]
    external_ids = [item.external_id for item in items]

    by_key = items_for_ordering_by("pk", [*keys, keys[0]])  # a repeated line's item
    by_external_id = items_for_ordering_by("external_id", [*external_ids, "1C-missing"])

    expected = _as_read(items_for_ordering().filter(pk__in=keys))
    assert _as_read(by_key) == expected
    assert _as_read(by_external_id) == expected
    assert len(by_key) == count
    assert items_for_ordering_by("pk", []) == []


@pytest.mark.parametrize("category_count", [0, 1, 2, SHAPED_CATEGORIES + 1])
def test_the_workflow_is_the_one_the_orm_read_chose(category_count):
    root = CategoryFactory()
    categories = [CategoryFactory(parent=root) for _ in range(max(category_count, 1))]
    items = [ItemFactory(category=category) for category in categories[:category_count]]
    items.append(ItemFactory(category=None))
    customer = CustomerFactory(kind=Customer.Kind.COMPANY)
    WorkflowFactory(kind="product")  # any customer, any category
    company = WorkflowFactory(kind="product", customer_kind=Customer.Kind.COMPANY)
    WorkflowFactory(kind="product", customer_kind=Customer.Kind.PERSON)
    WorkflowFactory(kind="product", category=CategoryFactory())  # holds none of the items
    in_root = WorkflowFactory(kind="product", category=root)
    WorkflowFactory(kind="product", category=root, is_active=False)

    chosen = workflow_for(kind="product", customer=customer, items=items)

    assert chosen == (in_root if category_count else company)
    assert isinstance(chosen, Workflow)
    assert hasattr(chosen, "has_active_task_rules")
