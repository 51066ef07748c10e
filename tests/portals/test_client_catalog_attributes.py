"""The client catalog's attribute filters and the item's characteristics."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import Attribute, Item
from catalog.services import item_attributes_set
from tests.catalog.factories import CategoryFactory, ItemFactory
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(db):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(ContactFactory().user)
    return client


@pytest.fixture
def tables(db):
    Attribute.objects.create(code="material", name="Материал", position=1)
    Attribute.objects.create(code="width", name="Ширина", position=2)
    Attribute.objects.create(code="code_1c", name="Код 1С", position=9, is_filterable=False)
    category = CategoryFactory(name="Столы", slug="stoly")
    rows = {
        "Стол «Дуб 120»": ("Дуб", "120 см", "28000.00"),
        "Стол «Дуб 160»": ("Дуб", "160 см", "35000.00"),
        "Стол «Берёза»": ("Берёза", "120 см", "17500.00"),
    }
    items = {}
    for number, (name, (material, width, price)) in enumerate(rows.items()):
        # SKUs without digits a search for "160" could match.
        sku = f"TABLE-{'ABC'[number]}"
        items[name] = ItemFactory(name=name, sku=sku, category=category, price=price)
        item_attributes_set(
            item=items[name], values={"material": material, "width": width, "code_1c": "00-1"}
        )
    items["Стол без свойств"] = ItemFactory(
        name="Стол без свойств", sku="TABLE-PLAIN", category=category
    )
    return items


def _get(browser, **params):
    response = browser.get(reverse("portals_client:catalog_category", args=["stoly"]), params)
    assert response.status_code == 200
    return response


def _names(response):
    return [item.name for item, _offer in response.context["rows"]]


def test_the_category_offers_a_filter_per_filterable_attribute_with_counts(browser, tables):
    response = _get(browser)

    facets = [
        (facet.name, [(value.value, value.count) for value in facet.values])
        for facet in response.context["facets"]
    ]
    assert facets == [
        ("Материал", [("Берёза", 1), ("Дуб", 2)]),
        ("Ширина", [("120 см", 2), ("160 см", 1)]),
    ]
    html = response.content.decode()
    assert 'name="attr-material" value="Дуб"' in html
    assert 'name="attr-code_1c"' not in html


def test_ticking_values_filters_or_within_and_across_attributes(browser, tables):
    oak = _get(browser, **{"attr-material": "Дуб"})
    oak_or_birch = _get(browser, **{"attr-material": ["Дуб", "Берёза"]})
    narrow_oak = _get(browser, **{"attr-material": "Дуб", "attr-width": "120 см"})

    assert _names(oak) == ["Стол «Дуб 120»", "Стол «Дуб 160»"]
    assert _names(oak_or_birch) == ["Стол «Берёза»", "Стол «Дуб 120»", "Стол «Дуб 160»"]
    assert _names(narrow_oak) == ["Стол «Дуб 120»"]
    assert [value.selected for value in oak.context["facets"][0].values] == [False, True]
    assert oak.context["is_filtered"] is True


def test_attribute_filters_combine_with_price_and_search(browser, tables):
    cheap = _get(browser, **{"attr-width": "120 см", "price_max": "20000"})
    searched = _get(browser, **{"attr-material": "Дуб", "q": "160"})

    assert _names(cheap) == ["Стол «Берёза»"]
    assert _names(searched) == ["Стол «Дуб 160»"]


def test_an_unknown_attribute_or_value_finds_nothing_without_an_error(browser, tables):
    unknown = _get(browser, **{"attr-colour": "red"})
    empty_code = _get(browser, **{"attr-": "x", "attr-material": "  "})

    assert _names(unknown) == []
    assert "No items match these filters." in unknown.content.decode()
    assert len(_names(empty_code)) == 4


def test_the_item_page_lists_its_characteristics_in_attribute_order(browser, tables):
    item = tables["Стол «Дуб 160»"]

    response = browser.get(reverse("portals_client:item_page", args=[item.pk]))

    assert [
        (entry.attribute.name, entry.value) for entry in response.context["attribute_values"]
    ] == [
        ("Материал", "Дуб"),
        ("Ширина", "160 см"),
        ("Код 1С", "00-1"),
    ]
    assert "Characteristics" in response.content.decode()


def test_filtered_listing_costs_the_same_queries_for_50_items_as_for_5(browser, tables):
    category = tables["Стол без свойств"].category

    def queries_for(count):
        while Item.objects.count() < count:
            item = ItemFactory(category=category)
            item_attributes_set(
                item=item, values={"material": "Дуб", "width": f"{Item.objects.count()} см"}
            )
        with CaptureQueriesContext(connection) as captured:
            response = _get(browser, **{"attr-material": "Дуб", "sort": "price"})
        assert len(response.context["rows"]) == min(count - 2, 24)
        return len(captured)

    five = queries_for(5)
    fifty = queries_for(50)

    assert fifty <= five
