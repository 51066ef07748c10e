"""Items' attributes over the API: read as {code: value}, replaced on write, checked."""

import pytest

from catalog.models import Attribute, Item
from catalog.services import item_attributes_set
from tests.api.helpers import assert_problem
from tests.catalog.factories import ItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sofas(db):
    Attribute.objects.create(code="material", name="Материал")
    Attribute.objects.create(code="width", name="Ширина")
    item = ItemFactory()
    item_attributes_set(item=item, values={"material": "Дуб", "width": "120 см"})
    return [item]


def _values(item):
    return dict(item.attribute_values.values_list("attribute__code", "value"))


def test_the_api_reads_and_replaces_attributes(admin_api, sofas):
    item = sofas[0]
    url = f"/api/v1/items/{item.pk}/"

    assert admin_api.get(url).json()["attributes"] == {"material": "Дуб", "width": "120 см"}
    patched = admin_api.patch(url, {"attributes": {"material": "Сосна"}}, format="json")

    assert patched.status_code == 200, patched.json()
    assert patched.json()["attributes"] == {"material": "Сосна"}
    assert _values(item) == {"material": "Сосна"}


def test_the_api_refuses_an_unknown_attribute_as_a_problem(admin_api, sofas):
    response = admin_api.put(
        "/api/v1/items/by-external-id/E-1/",
        {"name": "Диван", "sku": "E-1", "price": "1.00", "attributes": {"colour": "red"}},
        format="json",
    )

    assert_problem(response, 422, attributes="No attribute")
    assert not Item.objects.filter(sku="E-1").exists()


def test_the_item_list_with_attributes_keeps_its_query_count(
    admin_api, sofas, django_assert_max_num_queries
):
    for _ in range(20):
        item_attributes_set(item=ItemFactory(), values={"material": "Бук", "width": "90 см"})

    with django_assert_max_num_queries(6):
        response = admin_api.get("/api/v1/items/?limit=30")

    assert {"material": "Бук", "width": "90 см"} in [
        row["attributes"] for row in response.json()["results"]
    ]


# Attributes themselves


def test_an_attribute_is_created_then_replaced_by_its_code_and_items_may_use_it(admin_api):
    url = "/api/v1/attributes/colour/"

    created = admin_api.put(url, {"name": "Цвет", "position": 3}, format="json")
    replaced = admin_api.put(url, {"name": "Цвет обивки", "is_filterable": False}, format="json")

    assert created.status_code == 201, created.json()
    assert replaced.status_code == 200
    assert replaced.json() == {
        "code": "colour",
        "name": "Цвет обивки",
        "position": 3,
        "is_filterable": False,
    }
    item = ItemFactory()
    patched = admin_api.patch(
        f"/api/v1/items/{item.pk}/", {"attributes": {"colour": "Синий"}}, format="json"
    )
    assert patched.json()["attributes"] == {"colour": "Синий"}


def test_a_bad_code_or_a_missing_name_is_a_problem_naming_it(admin_api):
    bad_code = admin_api.put("/api/v1/attributes/Цвет/", {"name": "Цвет"}, format="json")
    no_name = admin_api.put("/api/v1/attributes/colour/", {}, format="json")

    assert_problem(bad_code, 422, code="lowercase Latin letters")
    assert_problem(no_name, 422, name="required")
    assert not Attribute.objects.exists()


def test_a_manager_key_lists_attributes_but_may_not_change_them(keyed, sofas):
    manager = keyed(roles=["manager"])

    listed = manager.get("/api/v1/attributes/")

    assert [row["code"] for row in listed.json()["results"]] == ["material", "width"]
    assert manager.get("/api/v1/attributes/width/").json()["name"] == "Ширина"
    assert_problem(manager.get("/api/v1/attributes/nothing/"), 404)
    assert_problem(manager.put("/api/v1/attributes/width/", {"name": "X"}, format="json"), 403)


def test_the_attribute_list_has_a_fixed_query_count(admin_api, django_assert_max_num_queries):
    for number in range(30):
        Attribute.objects.create(code=f"a{number}", name=f"Свойство {number}")

    with django_assert_max_num_queries(5):
        response = admin_api.get("/api/v1/attributes/?limit=30")

    assert len(response.json()["results"]) == 30
