"""Item attributes: setting them through the service, the catalog's facets and filters,
and their CSV column (the API field is in tests/api/test_item_attributes.py)."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError

from catalog.imports import (
    catalog_export_csv,
    catalog_import_apply,
    catalog_import_preview,
    catalog_import_upload,
)
from catalog.models import Attribute, Item, ItemAttributeValue
from catalog.resources import AttributesWidget
from catalog.selectors import attribute_facets, catalog_items, item_filter_attributes
from catalog.services import item_attributes_set, item_create, item_update
from tests.catalog.factories import ItemFactory
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def attributes(db):
    return {
        "material": Attribute.objects.create(code="material", name="Материал", position=1),
        "width": Attribute.objects.create(code="width", name="Ширина", position=2),
        "hidden": Attribute.objects.create(code="sku_1c", name="Код 1С", is_filterable=False),
    }


@pytest.fixture
def sofas(attributes):
    """Four sofas: oak 120, oak 200, pine 200, and one with no characteristics."""
    rows = [("Дуб", "120 см"), ("Дуб", "200 см"), ("Сосна", "200 см")]
    made = []
    for material, width in rows:
        item = ItemFactory()
        item_attributes_set(item=item, values={"material": material, "width": width})
        made.append(item)
    made.append(ItemFactory())
    return made


def _values(item):
    return dict(item.attribute_values.values_list("attribute__code", "value"))


# The service


def test_setting_replaces_updates_and_removes_values(attributes):
    item = ItemFactory()
    item_attributes_set(item=item, values={"material": " Дуб ", "width": "120 см"})
    assert _values(item) == {"material": "Дуб", "width": "120 см"}

    item_attributes_set(item=item, values={"material": "Сосна", "sku_1c": "00-123"})

    assert _values(item) == {"material": "Сосна", "sku_1c": "00-123"}
    item_attributes_set(item=item, values={"material": "", "sku_1c": "00-123"})
    assert _values(item) == {"sku_1c": "00-123"}


def test_unknown_codes_and_overlong_values_are_refused_and_change_nothing(attributes):
    item = ItemFactory()
    item_attributes_set(item=item, values={"material": "Дуб"})

    with pytest.raises(ValidationError) as refused:
        item_attributes_set(item=item, values={"colour": "red", "width": "x" * 201})

    assert refused.value.message_dict["attributes"] == [
        "No attribute “colour”.",
        "The value of “width” is longer than 200 characters.",
    ]
    assert _values(item) == {"material": "Дуб"}


def test_create_with_a_bad_attribute_leaves_no_item(attributes):
    with pytest.raises(ValidationError):
        item_create(
            fields={"sku": "S-1", "name": "Диван", "price": "1.00"}, attributes={"colour": "red"}
        )

    assert not Item.objects.filter(sku="S-1").exists()


def test_update_without_attributes_keeps_them(attributes):
    item = ItemFactory()
    item_attributes_set(item=item, values={"material": "Дуб"})

    item_update(item=item, fields={"name": "Новое имя"})

    assert _values(item) == {"material": "Дуб"}


def test_an_attribute_in_use_cannot_be_deleted(sofas, attributes):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        attributes["material"].delete()


# Facets and filters


def _facets(items, selected):
    return {
        facet.code: [(value.value, value.count, value.selected) for value in facet.values]
        for facet in attribute_facets(items, selected)
    }


def test_facets_count_items_per_value_in_attribute_order_and_numeric_value_order(sofas):
    ItemAttributeValue.objects.create(
        item=sofas[3], attribute=Attribute.objects.get(code="sku_1c"), value="1"
    )

    facets = attribute_facets(catalog_items(), {})

    assert [(facet.code, facet.name) for facet in facets] == [
        ("material", "Материал"),
        ("width", "Ширина"),
    ]
    assert _facets(catalog_items(), {}) == {
        "material": [("Дуб", 2, False), ("Сосна", 1, False)],
        "width": [("120 см", 1, False), ("200 см", 2, False)],
    }


def test_filter_is_or_within_an_attribute_and_and_across_them(sofas):
    items = catalog_items()

    oak = item_filter_attributes(items, {"material": ["Дуб"]})
    oak_or_pine = item_filter_attributes(items, {"material": ["Дуб", "Сосна"]})
    wide_oak = item_filter_attributes(items, {"material": ["Дуб"], "width": ["200 см"]})

    assert set(oak) == {sofas[0], sofas[1]}
    assert set(oak_or_pine) == {sofas[0], sofas[1], sofas[2]}
    assert list(wide_oak) == [sofas[1]]
    assert list(item_filter_attributes(items, {"material": ["Ясень"]})) == []


def test_a_selected_attribute_counts_over_the_other_selections(sofas):
    facets = _facets(catalog_items(), {"material": ["Дуб"]})

    # Material still offers pine (ticking it adds one), widths count the oak ones only.
    assert facets == {
        "material": [("Дуб", 2, True), ("Сосна", 1, False)],
        "width": [("120 см", 1, False), ("200 см", 1, False)],
    }


def test_facets_follow_the_other_filters(sofas):
    cheap = catalog_items().filter(pk__in=[sofas[2].pk])

    assert _facets(cheap, {}) == {
        "material": [("Сосна", 1, False)],
        "width": [("200 см", 1, False)],
    }


def test_facets_cost_one_query_plus_one_per_selected_attribute(sofas, django_assert_num_queries):
    with django_assert_num_queries(1):
        attribute_facets(catalog_items(), {})
    with django_assert_num_queries(3):
        attribute_facets(catalog_items(), {"material": ["Дуб"], "width": ["200 см"]})


# CSV


def test_the_cell_format_is_read_and_bad_cells_are_named():
    assert AttributesWidget().clean("material=Дуб | width=120 см|") == {
        "material": "Дуб",
        "width": "120 см",
    }
    assert AttributesWidget().clean("") == {}
    with pytest.raises(ValueError, match="code=value, not “Дуб”"):
        AttributesWidget().clean("Дуб")
    with pytest.raises(ValueError, match="given twice"):
        AttributesWidget().clean("material=Дуб|material=Сосна")


def test_export_writes_the_attributes_column(sofas):
    text = catalog_export_csv("items").removeprefix("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    by_sku = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}

    assert rows[0][-1] == "attributes"
    assert by_sku[sofas[0].sku]["attributes"] == "material=Дуб|width=120 см"
    assert by_sku[sofas[3].sku]["attributes"] == ""


def _import(text):
    admin = UserFactory(role="admin")
    upload = catalog_import_upload(
        kind="items", file_name="items.csv", data=text.encode(), by=admin
    )
    return upload, admin


def test_import_sets_attributes_and_an_unchanged_row_is_unchanged(sofas):
    sku = sofas[0].sku
    upload, admin = _import(
        "sku;name;price;attributes\n"
        f"{sku};{sofas[0].name};1000,00;material=Дуб|width=120 см\n"
        "NEW-1;Диван новый;5000;material=Ясень\n"
    )

    report = catalog_import_apply(catalog_import=upload, by=admin)

    assert [(result.key, result.action) for result in report.results] == [
        (sku, "unchanged"),
        ("NEW-1", "create"),
    ]
    assert _values(Item.objects.get(sku="NEW-1")) == {"material": "Ясень"}


def test_import_with_an_unknown_attribute_is_rejected_naming_it(sofas):
    upload, _admin = _import(
        f"sku;name;price;attributes\n{sofas[0].sku};Диван;1000;colour=red\nX;Y;1;material\n"
    )

    report = catalog_import_preview(catalog_import=upload)

    assert [(result.line, result.errors) for result in report.rejected] == [
        (2, {"attributes": ["No attribute “colour”."]}),
        (3, {"attributes": ["Write each characteristic as code=value, not “material”."]}),
    ]
    assert _values(sofas[0]) == {"material": "Дуб", "width": "120 см"}
