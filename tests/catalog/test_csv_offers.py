"""Special offers in CSV: export, and the all-or-nothing import keyed by the offer's code."""

from datetime import date
from decimal import Decimal

import pytest

from catalog.imports import (
    catalog_export_csv,
    catalog_import_apply,
    catalog_import_preview,
    catalog_import_upload,
)
from catalog.models import CatalogImport, SpecialOffer
from tests.catalog.factories import CategoryFactory, ItemFactory
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

HEADER = "code;title;discount_percent;starts_on;ends_on;category;items;is_active;description"


@pytest.fixture
def admin(db):
    return UserFactory(role="admin")


@pytest.fixture
def catalog(db):
    sofas = CategoryFactory(slug="divany", name="Диваны")
    sofa = ItemFactory(sku="SOFA-1", category=sofas)
    table = ItemFactory(sku="TABLE-1", category=None)
    summer = SpecialOffer.objects.create(
        code="summer",
        title="Летняя распродажа",
        discount_percent=Decimal("7.5"),
        starts_on=date(2026, 6, 1),
        ends_on=date(2026, 8, 31),
        description="=всё для дачи",
    )
    summer.items.add(table, sofa)
    SpecialOffer.objects.create(
        code="sofas",
        title="Диваны −15%",
        discount_percent=Decimal("15"),
        starts_on=date(2026, 1, 1),
        category=sofas,
        is_active=False,
    )
    return {"sofas": sofas, "sofa": sofa, "table": table}


def _upload(text: str, *, by) -> CatalogImport:
    return catalog_import_upload(
        kind=CatalogImport.Kind.OFFERS, file_name="f.csv", data=text.encode(), by=by
    )


def _snapshot():
    links = SpecialOffer.items.through.objects.order_by("specialoffer_id", "item_id")
    return list(SpecialOffer.objects.order_by("pk").values()), list(
        links.values_list("specialoffer_id", "item_id")
    )


def test_export_has_codes_iso_dates_a_decimal_comma_and_joined_skus(catalog):
    text = catalog_export_csv("offers")

    assert text.split("\r\n") == [
        "\ufeff" + HEADER,
        "sofas;Диваны −15%;15,00;2026-01-01;;divany;;0;",
        "summer;Летняя распродажа;7,50;2026-06-01;2026-08-31;;SOFA-1|TABLE-1;1;'=всё для дачи",
        "",
    ]


def test_export_then_import_changes_nothing(catalog, admin):
    before = _snapshot()

    report = catalog_import_apply(
        catalog_import=_upload(catalog_export_csv("offers"), by=admin), by=admin
    )

    assert report.counts == {"create": 0, "update": 0, "unchanged": 2, "rejected": 0}
    assert _snapshot() == before


def test_a_file_creates_and_updates_offers_by_code(catalog, admin):
    text = "\n".join(
        [
            HEADER,
            "summer;Летняя распродажа;10;01.06.2026;;;TABLE-1;1;",
            "new-year;Новый год;5,5;2026-12-20;2027-01-10;divany;;1;Подарки",
        ]
    )
    catalog_import = _upload(text, by=admin)

    preview = catalog_import_preview(catalog_import=catalog_import)
    assert preview.counts == {"create": 1, "update": 1, "unchanged": 0, "rejected": 0}
    assert not SpecialOffer.objects.filter(code="new-year").exists()
    report = catalog_import_apply(catalog_import=catalog_import, by=admin)

    assert report.counts == preview.counts
    summer = SpecialOffer.objects.get(code="summer")
    assert (summer.discount_percent, summer.ends_on, summer.description) == (
        Decimal("10.00"),
        None,
        "",
    )
    assert list(summer.items.all()) == [catalog["table"]]
    new_year = SpecialOffer.objects.get(code="new-year")
    assert (
        new_year.title,
        new_year.discount_percent,
        new_year.starts_on,
        new_year.ends_on,
        new_year.category,
    ) == ("Новый год", Decimal("5.50"), date(2026, 12, 20), date(2027, 1, 10), catalog["sofas"])
    assert not new_year.items.exists()


def test_a_file_without_the_items_column_keeps_the_offers_items(catalog, admin):
    text = "code;title;discount_percent;starts_on\nsummer;Лето;7,5;2026-06-01\n"

    report = catalog_import_apply(catalog_import=_upload(text, by=admin), by=admin)

    assert report.counts == {"create": 0, "update": 1, "unchanged": 0, "rejected": 0}
    summer = SpecialOffer.objects.get(code="summer")
    assert summer.title == "Лето"
    assert summer.ends_on == date(2026, 8, 31)
    assert sorted(summer.items.values_list("sku", flat=True)) == ["SOFA-1", "TABLE-1"]


def test_bad_rows_name_their_line_and_column_and_nothing_is_applied(catalog, admin):
    before = _snapshot()
    text = "\n".join(
        [
            HEADER,
            "summer;Лето;20;2026-06-01;2026-08-31;;SOFA-1;1;",
            "zero;Ноль;0;2026-01-01;;;;1;",
            "huge;Много;150;2026-01-01;;;;1;",
            "backwards;Наоборот;10;2026-02-01;31.01.2026;;;1;",
            "ghosts;Призраки;10;2026-01-01;;;SOFA-1|NO-1|NO-2;1;",
            "badcell;Плохие ячейки;десять;1 января;2026-13-01;nowhere;;да?;",
            ";Без кода;10;2026-01-01;;;;1;",
            "Летняя акция;Кириллица;10;2026-01-01;;;;1;",
            "summer;Лето ещё раз;10;2026-06-01;;;;1;",
        ]
    )
    catalog_import = _upload(text, by=admin)

    preview = catalog_import_preview(catalog_import=catalog_import)
    report = catalog_import_apply(catalog_import=catalog_import, by=admin)

    for result in (preview, report):
        assert result.counts == {"create": 0, "update": 1, "unchanged": 0, "rejected": 8}
        rejected = {row.line: row.errors for row in result.rejected}
        assert rejected[3] == {
            "discount_percent": ["Ensure this value is greater than or equal to 0.01."]
        }
        assert rejected[4] == {
            "discount_percent": ["Ensure this value is less than or equal to 100."]
        }
        assert rejected[5] == {"ends_on": ["An offer cannot end before it starts."]}
        assert rejected[6] == {"items": ["No items with SKUs: NO-1, NO-2."]}
        assert rejected[7] == {
            "discount_percent": ["Enter a number, e.g. 1234,50."],
            "starts_on": ["Enter a date as 2026-12-31 or 31.12.2026."],
            "ends_on": ["Enter a date as 2026-12-31 or 31.12.2026."],
            "is_active": ["Enter 1 or 0."],
            "category": ["No category with slug “nowhere”."],
        }
        assert rejected[8] == {"code": ["Give the offer a code."]}
        assert rejected[9].keys() == {"code"}
        assert rejected[10] == {"code": ["This code is already on line 2."]}
    assert _snapshot() == before
    catalog_import.refresh_from_db()
    assert catalog_import.applied_at is None
