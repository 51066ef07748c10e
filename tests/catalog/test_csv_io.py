"""Catalog CSV: export format, reading uploads, and the all-or-nothing import by SKU/slug."""

import csv
import io
from decimal import Decimal

import pytest

from catalog.imports import (
    CatalogImportError,
    CsvFileError,
    catalog_export_csv,
    catalog_import_apply,
    catalog_import_preview,
    catalog_import_upload,
    read_csv,
)
from catalog.models import CatalogImport, Category, Item
from tests.catalog.factories import CategoryFactory, ItemFactory
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

ITEM_HEADER = (
    "sku;name;kind;category;price;vat_rate;unit;in_stock;is_active;external_id;description"
)


@pytest.fixture
def admin(db):
    return UserFactory(role="admin")


@pytest.fixture
def catalog(db):
    """A two-level tree and items with Cyrillic, formula-like and multi-line values."""
    furniture = CategoryFactory(slug="mebel", name="Мебель")
    sofas = CategoryFactory(slug="divany", name="Диваны", parent=furniture)
    ItemFactory(
        sku="SOFA-1",
        name="Диван «Уют»; угловой",
        category=sofas,
        price=Decimal("45990.50"),
        description="Строка 1\nСтрока 2",
        external_id="1C-77",
    )
    ItemFactory(
        sku="FORMULA-1",
        name='=HYPERLINK("http://evil")',
        category=furniture,
        price=Decimal("12.05"),
        vat_rate=Item.VatRate.NONE,
        description="-скидка для своих",
        in_stock=False,
    )
    ItemFactory(sku="SRV-1", name="Сборка", category=None, service=True, is_active=False)
    return {"furniture": furniture, "sofas": sofas}


def _upload(text: str, *, by, kind="items", encoding="utf-8") -> CatalogImport:
    return catalog_import_upload(kind=kind, file_name="f.csv", data=text.encode(encoding), by=by)


def _snapshot():
    return {
        "items": list(Item.objects.order_by("sku").values()),
        "categories": list(Category.objects.order_by("path").values()),
    }


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


def test_export_then_import_of_items_and_categories_changes_nothing(catalog, admin):
    before = _snapshot()
    categories = _upload(catalog_export_csv("categories"), by=admin, kind="categories")
    items = _upload(catalog_export_csv("items"), by=admin)

    category_report = catalog_import_apply(catalog_import=categories, by=admin)
    item_report = catalog_import_apply(catalog_import=items, by=admin)

    assert category_report.counts == {"create": 0, "update": 0, "unchanged": 2, "rejected": 0}
    assert item_report.counts == {"create": 0, "update": 0, "unchanged": 3, "rejected": 0}
    assert _snapshot() == before


def test_export_is_utf8_with_bom_semicolons_and_decimal_comma(catalog):
    text = catalog_export_csv("items")

    rows = _cells(text)
    assert text.startswith("\ufeff")
    assert rows[0] == [*ITEM_HEADER.split(";"), "attributes"]
    sofa = dict(zip(rows[0], rows[2], strict=True))
    assert sofa["name"] == "Диван «Уют»; угловой"
    assert sofa["price"] == "45990,50"
    assert sofa["category"] == "divany"
    assert sofa["description"] == "Строка 1\nСтрока 2"


def test_export_neutralises_cells_a_spreadsheet_would_run(catalog):
    rows = _cells(catalog_export_csv("items"))

    formula = dict(zip(rows[0], rows[1], strict=True))
    assert formula["name"] == '\'=HYPERLINK("http://evil")'
    assert formula["description"] == "'-скидка для своих"
    assert formula["vat_rate"] == "none"
    assert formula["in_stock"] == "0"
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_category_export_lists_parents_before_children(catalog):
    rows = _cells(catalog_export_csv("categories"))

    assert rows == [
        ["slug", "name", "parent", "is_active", "description"],
        ["mebel", "Мебель", "", "1", ""],
        ["divany", "Диваны", "mebel", "1", ""],
    ]


def test_a_valid_file_creates_and_updates_exactly_the_listed_items(catalog, admin):
    text = "\n".join(
        [
            ITEM_HEADER,
            "SOFA-1;Диван «Уют» угловой;product;mebel;1 234,50;20;шт;1;1;1C-77;",
            "NEW-1;Кресло;product;divany;9990.00;22;шт;1;1;;Новое",
            "NEW-2;Доставка;service;;500;none;усл;1;0;1C-99;",
        ]
    )
    catalog_import = _upload(text, by=admin)

    preview = catalog_import_preview(catalog_import=catalog_import)
    assert preview.counts == {"create": 2, "update": 1, "unchanged": 0, "rejected": 0}
    assert not Item.objects.filter(sku__startswith="NEW").exists()

    report = catalog_import_apply(catalog_import=catalog_import, by=admin)

    assert report.counts == preview.counts
    assert set(Item.objects.values_list("sku", flat=True)) == {
        "SOFA-1",
        "FORMULA-1",
        "SRV-1",
        "NEW-1",
        "NEW-2",
    }
    sofa = Item.objects.get(sku="SOFA-1")
    assert (sofa.name, sofa.price, sofa.vat_rate, sofa.category) == (
        "Диван «Уют» угловой",
        Decimal("1234.50"),
        20,
        catalog["furniture"],
    )
    assert sofa.description == ""
    delivery = Item.objects.get(sku="NEW-2")
    assert (delivery.kind, delivery.category, delivery.vat_rate, delivery.is_active) == (
        Item.Kind.SERVICE,
        None,
        Item.VatRate.NONE,
        False,
    )
    catalog_import.refresh_from_db()
    assert catalog_import.applied_at is not None
    assert catalog_import.summary == report.counts


def test_the_same_file_again_changes_nothing_and_cannot_be_applied_twice(catalog, admin):
    text = f"{ITEM_HEADER}\nNEW-1;Кресло;product;divany;9990;22;шт;1;1;;\n"
    first = _upload(text, by=admin)
    catalog_import_apply(catalog_import=first, by=admin)

    with pytest.raises(CatalogImportError, match="already been applied"):
        catalog_import_apply(catalog_import=first, by=admin)
    again = catalog_import_apply(catalog_import=_upload(text, by=admin), by=admin)

    assert again.counts == {"create": 0, "update": 0, "unchanged": 1, "rejected": 0}
    assert Item.objects.filter(sku="NEW-1").count() == 1


def test_one_bad_row_names_its_line_and_field_and_nothing_is_applied(catalog, admin):
    before = _snapshot()
    text = "\n".join(
        [
            ITEM_HEADER,
            "SOFA-1;Диван;product;divany;100;22;шт;1;1;1C-77;",
            "NEW-1;Кресло;product;divany;-5;22;шт;1;1;;",
            "NEW-2;Стол;product;no-such;10;22;шт;1;1;;",
            "NEW-3;Стул;product;divany;10;22;шт;1;1;;",
        ]
    )
    catalog_import = _upload(text, by=admin)

    preview = catalog_import_preview(catalog_import=catalog_import)
    report = catalog_import_apply(catalog_import=catalog_import, by=admin)

    for result in (preview, report):
        assert result.counts == {"create": 1, "update": 1, "unchanged": 0, "rejected": 2}
        rejected = {row.line: row.errors for row in result.rejected}
        assert set(rejected) == {3, 4}
        assert rejected[3].keys() == {"price"}
        assert "greater than or equal to 0" in rejected[3]["price"][0]
        assert rejected[4] == {"category": ["No category with slug “no-such”."]}
    assert _snapshot() == before
    catalog_import.refresh_from_db()
    assert catalog_import.applied_at is None


def test_rows_clashing_inside_the_file_or_with_stored_items_are_rejected(catalog, admin):
    text = "\n".join(
        [
            ITEM_HEADER,
            "NEW-1;Кресло;product;;10;22;шт;1;1;1C-77;",
            "NEW-2;Стол;product;;10;22;шт;1;1;;",
            "NEW-2;Стол;product;;10;22;шт;1;1;;",
            "NEW-3;Стул;product;;10;7;шт;1;1;;",
            "NEW-4;Табурет;product;;10;22;шт;maybe;1;;",
        ]
    )

    report = catalog_import_preview(catalog_import=_upload(text, by=admin))

    rejected = {row.line: row.errors for row in report.rejected}
    assert set(rejected) == {2, 4, 5, 6}
    assert rejected[2] == {"__all__": ["An item with this external ID already exists."]}
    assert rejected[4] == {"sku": ["This SKU is already on line 3."]}
    assert rejected[5] == {"vat_rate": ["Value 7 is not a valid choice."]}
    assert rejected[6] == {"in_stock": ["Enter 1 or 0."]}


def test_a_file_with_a_wrong_header_names_the_missing_columns(admin):
    with pytest.raises(CsvFileError) as error:
        _upload("артикул;name;cost\nA;B;1\n", by=admin)

    message = str(error.value)
    assert "Missing columns: sku, price." in message
    assert "Unknown columns: артикул, cost." in message
    assert not CatalogImport.objects.exists()


def test_a_windows_1251_comma_separated_file_with_fewer_columns_is_read(catalog, admin):
    text = 'sku,name,price\r\nSOFA-1,Диван «Уют»; угловой,"45990,50"\r\nNEW-1,Кресло,10\r\n'

    report = catalog_import_apply(
        catalog_import=_upload(text, by=admin, encoding="cp1251"), by=admin
    )

    assert report.counts == {"create": 1, "update": 0, "unchanged": 1, "rejected": 0}
    chair = Item.objects.get(sku="NEW-1")
    assert (chair.name, chair.kind, chair.unit, chair.category) == (
        "Кресло",
        Item.Kind.PRODUCT,
        "шт",
        None,
    )


def test_line_numbers_count_multi_line_cells_and_skip_blank_lines():
    text = f'{ITEM_HEADER}\nA;"Две\nстроки";product;;1;22;шт;1;1;;\n\nB;Б;product;;1;22;шт;1;1;;\n'

    csv_file = read_csv(text, "items")

    assert list(zip(csv_file.lines, csv_file.dataset["sku"], strict=True)) == [(2, "A"), (5, "B")]


def test_categories_are_created_under_parents_above_them_and_moved(catalog, admin):
    text = "\n".join(
        [
            "slug;name;parent;is_active;description",
            "kresla;Кресла;mebel;1;",
            "divany;Диваны;kresla;1;",
            "orphan;Сирота;nowhere;1;",
            "mebel;Мебель;divany;1;",
        ]
    )
    catalog_import = _upload(text, by=admin, kind="categories")

    preview = catalog_import_preview(catalog_import=catalog_import)

    rejected = {row.line: row.errors for row in preview.rejected}
    assert rejected.keys() == {4, 5}
    assert rejected[4] == {"parent": ["No category with slug “nowhere” above this row."]}
    assert rejected[5] == {
        "parent": ["A category cannot be placed inside itself or its subcategories."]
    }
    assert not Category.objects.filter(slug="kresla").exists()

    fixed = _upload("\n".join(text.split("\n")[:3]), by=admin, kind="categories")
    report = catalog_import_apply(catalog_import=fixed, by=admin)

    assert report.counts == {"create": 1, "update": 1, "unchanged": 0, "rejected": 0}
    sofas = Category.objects.get(slug="divany")
    assert Category.objects.get(path=sofas.path[: -Category.steplen]).slug == "kresla"
    assert sofas.items.get().sku == "SOFA-1"
