"""The history of catalog items: who changed what, in the Django admin."""

from decimal import Decimal

import pytest
from django.test import Client

from accounts.roles import Role
from catalog.models import Item
from catalog.services import item_update
from tests.catalog.factories import ItemFactory
from tests.factories import UserFactory
from tests.history import changes

pytestmark = pytest.mark.django_db


def test_an_item_change_names_who_made_it_and_what_it_changed():
    admin = UserFactory(role=Role.ADMIN)
    item = ItemFactory(price=Decimal("100.00"), in_stock=True)

    item_update(item=item, fields={"price": Decimal("120.00"), "in_stock": False}, by=admin)

    record = item.history.latest()
    assert (record.history_type, record.history_user) == ("~", admin)
    assert changes(record) == [
        ("in_stock", True, False),
        ("price", Decimal("100.00"), Decimal("120.00")),
    ]


def test_the_search_column_and_timestamps_are_not_in_the_history():
    fields = {field.name for field in Item.history.model._meta.fields}

    assert {"sku", "name", "price"} <= fields
    assert not {"search_text", "created_at", "updated_at"} & fields


def test_bulk_writes_leave_no_history():
    item = ItemFactory()

    Item.objects.filter(pk=item.pk).update(price=Decimal("1.00"))
    Item.objects.bulk_update([item], ["name"])

    assert [record.history_type for record in item.history.all()] == ["+"]


def test_the_django_admin_shows_an_items_history():
    staff = UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff)
    item = ItemFactory(name="Стул")
    item_update(item=item, fields={"name": "Кресло"}, by=staff)

    response = client.get(f"/django-admin/catalog/item/{item.pk}/history/")

    assert response.status_code == 200
    assert "Кресло" in response.content.decode()
