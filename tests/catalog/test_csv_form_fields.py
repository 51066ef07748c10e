"""Order form fields in CSV: export, and the all-or-nothing import keyed by owner and name."""

import pytest
from django.core.exceptions import ValidationError

from catalog.imports import (
    catalog_export_csv,
    catalog_import_apply,
    catalog_import_preview,
    catalog_import_upload,
)
from catalog.models import CatalogImport, OrderFormField
from catalog.services import order_form_field_upsert
from tests.catalog.factories import CategoryFactory, ItemFactory, OrderFormFieldFactory
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

HEADER = "category;item;name;label;field_type;choices;required;help_text;position"


@pytest.fixture
def admin(db):
    return UserFactory(role="admin")


@pytest.fixture
def owners(db):
    """A category with a choice field and an item of it with a field of its own."""
    sofas = CategoryFactory(slug="divany", name="Диваны")
    sofa = ItemFactory(sku="SOFA-1", category=sofas)
    OrderFormFieldFactory(
        category=sofas,
        name="fabric",
        label="Ткань",
        choice=True,
        required=True,
        help_text="-см. образцы",
        position=1,
    )
    OrderFormFieldFactory(item=sofa, name="engraving", label="Гравировка", position=0)
    return {"sofas": sofas, "sofa": sofa}


def _upload(text: str, *, by) -> CatalogImport:
    return catalog_import_upload(
        kind=CatalogImport.Kind.FORM_FIELDS, file_name="f.csv", data=text.encode(), by=by
    )


def _snapshot():
    return list(OrderFormField.objects.order_by("pk").values())


def test_export_lists_category_fields_then_item_fields_with_choices_joined(owners):
    text = catalog_export_csv("form_fields")

    assert text.split("\r\n") == [
        "\ufeff" + HEADER,
        "divany;;fabric;Ткань;choice;Велюр|Рогожка|Экокожа;1;'-см. образцы;1",
        ";SOFA-1;engraving;Гравировка;text;;0;;0",
        "",
    ]


def test_export_then_import_changes_nothing(owners, admin):
    before = _snapshot()

    report = catalog_import_apply(
        catalog_import=_upload(catalog_export_csv("form_fields"), by=admin), by=admin
    )

    assert report.counts == {"create": 0, "update": 0, "unchanged": 2, "rejected": 0}
    assert _snapshot() == before


def test_a_file_creates_and_updates_fields_of_categories_and_items(owners, admin):
    text = "\n".join(
        [
            HEADER,
            "divany;;fabric;Обивка;choice;Велюр | Шенилл|;1;;1",
            ";SOFA-1;width;Ширина, см;number;;0;;2",
            "divany;;delivery_on;Дата доставки;date;;1;Когда удобно;3",
        ]
    )
    catalog_import = _upload(text, by=admin)

    preview = catalog_import_preview(catalog_import=catalog_import)
    assert preview.counts == {"create": 2, "update": 1, "unchanged": 0, "rejected": 0}
    assert OrderFormField.objects.count() == 2
    report = catalog_import_apply(catalog_import=catalog_import, by=admin)

    assert report.counts == preview.counts
    fabric = OrderFormField.objects.get(category=owners["sofas"], name="fabric")
    assert (fabric.label, fabric.choices, fabric.help_text) == (
        "Обивка",
        ["Велюр", "Шенилл"],
        "",
    )
    width = OrderFormField.objects.get(item=owners["sofa"], name="width")
    assert (width.field_type, width.required, width.position, width.category) == (
        OrderFormField.FieldType.NUMBER,
        False,
        2,
        None,
    )
    assert OrderFormField.objects.get(name="delivery_on").category == owners["sofas"]


def test_the_same_name_under_another_owner_is_another_field(owners, admin):
    text = f"{HEADER}\n;SOFA-1;fabric;Ткань дивана;text;;0;;0\n"

    report = catalog_import_apply(catalog_import=_upload(text, by=admin), by=admin)

    assert report.counts == {"create": 1, "update": 0, "unchanged": 0, "rejected": 0}
    assert OrderFormField.objects.filter(name="fabric").count() == 2


def test_bad_rows_name_their_line_and_column_and_nothing_is_applied(owners, admin):
    before = _snapshot()
    text = "\n".join(
        [
            HEADER,
            "divany;;fabric;Обивка;choice;Велюр;1;;1",
            "divany;SOFA-1;both;Оба;text;;0;;0",
            ";;nobody;Ничей;text;;0;;0",
            "nowhere;;lost;Потерянное;text;;0;;0",
            ";NO-SKU;lost;Потерянное;text;;0;;0",
            "divany;;colour;Цвет;choice;;0;;0",
            "divany;;size;Размер;text;S|M;0;;0",
            "divany;;Bad-Name;Имя;text;;0;;0",
            "divany;;kind;Вид;radio;;maybe;;first",
            "divany;;fabric;Ещё раз;text;;0;;0",
        ]
    )
    catalog_import = _upload(text, by=admin)

    preview = catalog_import_preview(catalog_import=catalog_import)
    report = catalog_import_apply(catalog_import=catalog_import, by=admin)

    for result in (preview, report):
        assert result.counts == {"create": 0, "update": 1, "unchanged": 0, "rejected": 9}
        rejected = {row.line: row.errors for row in result.rejected}
        assert rejected[3] == {"item": ["Give a category or an item, not both."]}
        assert rejected[4] == {"category": ["Give the slug of a category or the SKU of an item."]}
        assert rejected[5] == {"category": ["No category with slug “nowhere”."]}
        assert rejected[6] == {"item": ["No item with SKU “NO-SKU”."]}
        assert rejected[7] == {"choices": ["A choice field needs at least one choice."]}
        assert rejected[8] == {"choices": ["Only a choice field has choices."]}
        assert rejected[9].keys() == {"name"}
        # Cells that cannot be read are reported before the model sees the row.
        assert rejected[10] == {
            "required": ["Enter 1 or 0."],
            "position": ["Enter a whole number, e.g. 3."],
        }
        assert rejected[11] == {"name": ["This field is already on line 2."]}
    assert _snapshot() == before
    catalog_import.refresh_from_db()
    assert catalog_import.applied_at is None


def test_an_unknown_field_type_is_the_models_error(owners, admin):
    text = f"{HEADER}\ndivany;;kind;Вид;radio;;0;;0\n"

    report = catalog_import_preview(catalog_import=_upload(text, by=admin))

    assert report.rejected[0].errors == {"field_type": ["Value 'radio' is not a valid choice."]}


def test_a_file_without_the_owner_columns_rejects_its_rows(admin):
    report = catalog_import_preview(catalog_import=_upload("name;label\nfabric;Ткань\n", by=admin))

    assert report.counts["rejected"] == 1
    assert report.rejected[0].errors == {
        "category": ["Give the slug of a category or the SKU of an item."]
    }


def test_upsert_refuses_a_field_of_both_a_category_and_an_item(owners):
    with pytest.raises(ValidationError, match="either a category or an item"):
        order_form_field_upsert(
            category=owners["sofas"],
            item=owners["sofa"],
            name="both",
            fields={"label": "Оба"},
        )

    assert not OrderFormField.objects.filter(name="both").exists()
