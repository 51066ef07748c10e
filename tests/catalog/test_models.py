from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from catalog.models import Item, OrderFormField
from tests.catalog.factories import CategoryFactory, ItemFactory, OrderFormFieldFactory

pytestmark = pytest.mark.django_db


def test_external_id_is_unique_only_where_set(english):
    ItemFactory(external_id="")
    ItemFactory(external_id="")
    ItemFactory(external_id="1C-00042")

    duplicate = Item(sku="OTHER", name="Другой", price=Decimal("1"), external_id="1C-00042")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()

    assert error.value.messages == ["An item with this external ID already exists."]
    assert Item.objects.filter(external_id="1C-00042").count() == 1


def test_search_text_is_casefolded_name_sku_and_description():
    item = ItemFactory(name="Диван «Комфорт»", sku="Sofa-1", description="Угловой")

    item.name = "ДИВАН «Уют»"
    item.save(update_fields=["name"])

    item.refresh_from_db()
    assert item.search_text == "диван «уют» sofa-1 угловой"


def test_new_item_defaults():
    item = ItemFactory()

    assert (item.kind, item.unit, item.vat_rate, item.is_active, item.in_stock) == (
        Item.Kind.PRODUCT,
        "шт",
        Item.VatRate.TWENTY_TWO,
        True,
        True,
    )


def test_negative_price_is_refused_by_the_database():
    with transaction.atomic(), pytest.raises(IntegrityError):
        ItemFactory(price=Decimal("-0.01"))

    assert Item.objects.count() == 0


def test_categories_are_ordered_by_name_under_their_parent():
    furniture = CategoryFactory(name="Мебель")
    tables = CategoryFactory(name="Столы", parent=furniture)
    sofas = CategoryFactory(name="Диваны", parent=furniture)

    furniture.refresh_from_db()
    assert list(type(furniture).objects.get_children(furniture)) == [sofas, tables]
    assert furniture.numchild == 2
    assert sofas.depth == 2


def test_choice_field_without_choices_is_refused(english):
    field = OrderFormField(
        item=ItemFactory(),
        name="fabric",
        label="Ткань",
        field_type=OrderFormField.FieldType.CHOICE,
        choices=[],
    )

    with pytest.raises(ValidationError) as error:
        field.full_clean()

    assert error.value.message_dict == {"choices": ["A choice field needs at least one choice."]}


@pytest.mark.parametrize(
    ("field_type", "choices", "message"),
    [
        ("choice", ["Лак", "Лак"], "Choices must not repeat."),
        ("choice", ["Лак", " "], "Choices are a list of non-empty texts."),
        ("choice", "Лак", "Choices are a list of non-empty texts."),
        ("text", ["Лак"], "Only a choice field has choices."),
    ],
)
def test_bad_choices_are_refused(english, field_type, choices, message):
    field = OrderFormField(
        item=ItemFactory(), name="finish", label="Покрытие", field_type=field_type, choices=choices
    )

    with pytest.raises(ValidationError) as error:
        field.full_clean()

    assert error.value.message_dict == {"choices": [message]}


def test_field_name_must_be_a_lowercase_identifier():
    field = OrderFormField(item=ItemFactory(), name="Fabric-Type", label="Ткань")

    with pytest.raises(ValidationError) as error:
        field.full_clean()

    assert list(error.value.message_dict) == ["name"]


@pytest.mark.parametrize("owners", ["both", "neither"])
def test_field_belongs_to_exactly_one_owner(english, owners):
    item = ItemFactory()
    field = OrderFormField(name="color", label="Цвет")
    if owners == "both":
        field.category, field.item = item.category, item

    with pytest.raises(ValidationError) as error:
        field.full_clean()
    with transaction.atomic(), pytest.raises(IntegrityError):
        field.save()

    assert error.value.messages == ["A field belongs to either a category or an item, not both."]
    assert OrderFormField.objects.count() == 0


def test_field_name_is_unique_per_owner_only(english):
    category = CategoryFactory()
    item = ItemFactory(category=category)
    OrderFormFieldFactory(category=category, name="color")
    OrderFormFieldFactory(item=item, name="color")

    duplicate = OrderFormField(category=category, name="color", label="Цвет")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()

    assert error.value.messages == ["This category already has a field with this name."]
    assert OrderFormField.objects.filter(name="color").count() == 2
