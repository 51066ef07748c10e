"""Customers and items: list, read, create, update, upsert by external ID."""

import pytest

from accounts.roles import Role
from catalog.models import Item
from customers.models import Customer
from tests.api.helpers import assert_problem
from tests.catalog.factories import CategoryFactory, ItemFactory
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

VALID_INN = "7707083893"  # Сбербанк: control digit checks out


def test_customer_upsert_creates_then_replaces(manager_api):
    url = "/api/v1/customers/by-external-id/C-1/"
    body = {
        "name": "ООО Ромашка",
        "kind": "company",
        "inn": VALID_INN,
        "email": "buyer@example.com",
    }

    created = manager_api.put(url, body, format="json")
    replaced = manager_api.put(url, {**body, "name": "ООО «Ромашка»"}, format="json")

    assert created.status_code == 201, created.json()
    assert replaced.status_code == 200
    assert created.json()["id"] == replaced.json()["id"]
    customer = Customer.objects.get()
    assert (customer.external_id, customer.name, customer.inn) == (
        "C-1",
        "ООО «Ромашка»",
        VALID_INN,
    )


def test_customer_upsert_ignores_an_external_id_in_the_body(manager_api):
    response = manager_api.put(
        "/api/v1/customers/by-external-id/C-1/",
        {"name": "X", "external_id": "C-2"},
        format="json",
    )

    assert response.json()["external_id"] == "C-1"


def test_customer_validation_names_the_field(manager_api):
    response = manager_api.put(
        "/api/v1/customers/by-external-id/C-1/", {"name": "X", "inn": "7707083890"}, format="json"
    )

    assert_problem(response, 422, inn="control digits")
    assert Customer.objects.count() == 0


def test_customer_model_rules_apply_too(manager_api):
    response = manager_api.post(
        "/api/v1/customers/",
        {"name": "Иванов", "kind": "person", "kpp": "770701001"},
        format="json",
    )

    assert_problem(response, 422, kpp="no KPP")


def test_an_overlong_external_id_in_the_path_is_422(manager_api):
    response = manager_api.put(
        f"/api/v1/customers/by-external-id/{'x' * 101}/", {"name": "X"}, format="json"
    )

    assert_problem(response, 422, external_id="100")


def test_customer_create_retrieve_update_patch(manager_api):
    created = manager_api.post(
        "/api/v1/customers/", {"name": "ООО Альфа", "external_id": "A-1"}, format="json"
    )
    customer_id = created.json()["id"]

    assert created.status_code == 201
    assert manager_api.get(f"/api/v1/customers/{customer_id}/").json()["name"] == "ООО Альфа"
    put = manager_api.put(f"/api/v1/customers/{customer_id}/", {"name": "ООО Бета"}, format="json")
    assert put.status_code == 200
    patched = manager_api.patch(
        f"/api/v1/customers/{customer_id}/", {"phone": "8 (495) 123-45-67"}, format="json"
    )
    assert patched.json()["name"] == "ООО Бета"
    assert patched.json()["phone"] == "+74951234567"


def test_a_phone_that_is_no_number_is_refused_naming_the_field(manager_api):
    customer = CustomerFactory(phone="+74951234567")

    response = manager_api.patch(
        f"/api/v1/customers/{customer.pk}/", {"phone": "12-34"}, format="json"
    )

    assert response.status_code in (400, 422)
    assert response["Content-Type"].startswith("application/problem+json")
    assert "phone" in str(response.json())
    customer.refresh_from_db()
    assert customer.phone.as_e164 == "+74951234567"


def test_creating_a_customer_with_a_taken_external_id_is_422(manager_api):
    CustomerFactory(external_id="A-1")

    response = manager_api.post(
        "/api/v1/customers/", {"name": "X", "external_id": "A-1"}, format="json"
    )

    assert_problem(response, 422, external_id="already exists")


def test_customer_list_pages_and_filters_with_a_fixed_query_count(
    manager_api, django_assert_max_num_queries
):
    CustomerFactory.create_batch(30)
    CustomerFactory(kind="person", name="Иванов")

    with django_assert_max_num_queries(5):
        response = manager_api.get("/api/v1/customers/?limit=20")
    persons = manager_api.get("/api/v1/customers/?kind=person").json()["results"]

    assert len(response.json()["results"]) == 20
    assert response.json()["next"]
    assert [row["name"] for row in persons] == ["Иванов"]


def test_an_unknown_customer_is_404(manager_api):
    assert_problem(manager_api.get("/api/v1/customers/999999/"), 404)


def test_item_upsert_creates_then_replaces(admin_api):
    url = "/api/v1/items/by-external-id/SKU-1/"
    body = {"name": "Диван", "kind": "product", "sku": "SKU-1", "price": "45000.00"}

    created = admin_api.put(url, body, format="json")
    replaced = admin_api.put(url, {**body, "price": "47000.00"}, format="json")

    assert created.status_code == 201, created.json()
    assert replaced.status_code == 200
    assert replaced.json()["price"] == "47000.00"
    assert Item.objects.get().external_id == "SKU-1"


def test_item_upsert_with_another_items_sku_is_422(admin_api):
    ItemFactory(sku="SKU-1")

    response = admin_api.put(
        "/api/v1/items/by-external-id/X-1/",
        {"name": "Диван", "sku": "SKU-1", "price": "1.00"},
        format="json",
    )

    assert_problem(response, 422, sku="already exists")


def test_item_create_update_and_category(admin_api):
    category = CategoryFactory()
    created = admin_api.post(
        "/api/v1/items/",
        {"name": "Стол", "sku": "T-1", "price": "100.00", "category": category.pk, "vat_rate": 20},
        format="json",
    )
    item_id = created.json()["id"]

    assert created.status_code == 201, created.json()
    assert created.json()["category"] == category.pk
    patched = admin_api.patch(f"/api/v1/items/{item_id}/", {"is_active": False}, format="json")
    assert patched.json()["is_active"] is False
    assert admin_api.get(f"/api/v1/items/{item_id}/").json()["vat_rate"] == 20
    assert admin_api.get("/api/v1/items/?is_active=false").json()["results"][0]["id"] == item_id


def test_an_unknown_category_or_negative_price_is_422(admin_api):
    response = admin_api.post(
        "/api/v1/items/",
        {"name": "Стол", "sku": "T-1", "price": "-1", "category": 999999},
        format="json",
    )

    assert_problem(response, 422, price="greater than or equal", category="Invalid pk")


def test_item_list_has_a_fixed_query_count(admin_api, django_assert_max_num_queries):
    ItemFactory.create_batch(30)

    # The page, the count, the key's checks and one prefetch of the items' attributes.
    with django_assert_max_num_queries(6):
        response = admin_api.get("/api/v1/items/?limit=30")

    assert len(response.json()["results"]) == 30


def test_a_manager_key_reads_items_but_may_not_change_them(keyed):
    manager = keyed(roles=[Role.MANAGER])
    item = ItemFactory()

    assert manager.get(f"/api/v1/items/{item.pk}/").status_code == 200
    assert_problem(manager.patch(f"/api/v1/items/{item.pk}/", {"name": "X"}, format="json"), 403)
