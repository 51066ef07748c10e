"""The catalog's resources as a whole: every kind of file reads back what it exported, and
one bad row in a file leaves the catalog exactly as it was."""

from datetime import date
from decimal import Decimal

import pytest

from catalog.imports import catalog_export_csv, catalog_import_apply, catalog_import_upload
from catalog.models import (
    Attribute,
    CatalogImport,
    Category,
    Item,
    ItemAttributeValue,
    OrderFormField,
    SpecialOffer,
)
from tests.catalog.factories import CategoryFactory, ItemFactory, OrderFormFieldFactory
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

KINDS = list(CatalogImport.Kind)
# A valid create, a valid update, then a row every kind refuses.
BAD_FILES = {
    "items": "sku;name;price\nNEW-1;Кресло;10\nSOFA-1;Диван другой;1\nNEW-2;Стол;-1\n",
    "categories": (
        "slug;name;parent\nkresla;Кресла;mebel\ndivany;Диваны другие;\nbad;Плохая;nowhere\n"
    ),
    "form_fields": (
        "category;item;name;label\ndivany;;colour;Цвет\ndivany;;fabric;Обивка\n;;lost;Ничей\n"
    ),
    "offers": (
        "code;title;discount_percent;starts_on\nspring;Весна;5;2026-03-01\n"
        "summer;Лето;8;2026-06-01\nbad;Плохая;150;2026-01-01\n"
    ),
}


@pytest.fixture
def admin(db):
    return UserFactory(role="admin")


@pytest.fixture
def catalog(db):
    """Something of every kind, with the values a spreadsheet would mangle."""
    furniture = CategoryFactory(slug="mebel", name="Мебель")
    sofas = CategoryFactory(slug="divany", name="Диваны", parent=furniture, is_active=False)
    material = Attribute.objects.create(code="material", name="Материал")
    sofa = ItemFactory(
        sku="SOFA-1",
        name="=Диван; «Уют»",
        category=sofas,
        price=Decimal("1234.50"),
        vat_rate=Item.VatRate.NONE,
        description="Строка 1\nСтрока 2",
    )
    ItemAttributeValue.objects.create(item=sofa, attribute=material, value="Дуб")
    ItemFactory(sku="SRV-1", name="Сборка", category=None, service=True, in_stock=False)
    OrderFormFieldFactory(category=sofas, name="fabric", label="Ткань", choice=True)
    OrderFormFieldFactory(item=sofa, name="width", label="Ширина", number=True, position=3)
    summer = SpecialOffer.objects.create(
        code="summer",
        title="-Лето",
        discount_percent=Decimal("7.5"),
        starts_on=date(2026, 6, 1),
        ends_on=date(2026, 8, 31),
        category=furniture,
    )
    summer.items.add(sofa)


def _snapshot():
    return {
        "items": list(Item.objects.order_by("pk").values()),
        "attributes": list(ItemAttributeValue.objects.order_by("pk").values()),
        "categories": list(Category.objects.order_by("pk").values()),
        "form_fields": list(OrderFormField.objects.order_by("pk").values()),
        "offers": list(SpecialOffer.objects.order_by("pk").values()),
        "offer_items": list(
            SpecialOffer.items.through.objects.order_by("pk").values_list(
                "specialoffer_id", "item_id"
            )
        ),
    }


def _upload(text: str, kind: str, *, by) -> CatalogImport:
    return catalog_import_upload(kind=kind, file_name="f.csv", data=text.encode(), by=by)


@pytest.mark.parametrize("kind", KINDS)
def test_an_exported_file_imports_back_unchanged(catalog, admin, kind):
    before = _snapshot()
    total = {"items": 2, "categories": 2, "form_fields": 2, "offers": 1}[kind]

    report = catalog_import_apply(
        catalog_import=_upload(catalog_export_csv(kind), kind, by=admin), by=admin
    )

    assert report.counts == {"create": 0, "update": 0, "unchanged": total, "rejected": 0}
    assert _snapshot() == before


@pytest.mark.parametrize("kind", KINDS)
def test_one_bad_row_rolls_back_the_whole_apply(catalog, admin, kind):
    before = _snapshot()
    catalog_import = _upload(BAD_FILES[kind], kind, by=admin)

    report = catalog_import_apply(catalog_import=catalog_import, by=admin)

    assert report.counts == {"create": 1, "update": 1, "unchanged": 0, "rejected": 1}
    assert [result.line for result in report.rejected] == [4]
    assert _snapshot() == before
    catalog_import.refresh_from_db()
    assert (catalog_import.applied_at, catalog_import.summary) == (None, {})
