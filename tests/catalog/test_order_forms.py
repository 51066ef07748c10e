import datetime

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from catalog.models import Category, Item, OrderFormField
from catalog.order_forms import (
    items_for_ordering,
    order_form_class,
    order_form_fields,
    order_form_fields_for,
    validate_custom_values,
)
from tests.catalog.factories import CategoryFactory, ItemFactory, OrderFormFieldFactory

pytestmark = pytest.mark.django_db

FieldType = OrderFormField.FieldType


@pytest.fixture
def sofa():
    """Мебель (color, optional) > Диваны (color made required, legs) > sofa (fabric, date)."""
    furniture = CategoryFactory(name="Мебель")
    sofas = CategoryFactory(name="Диваны", parent=furniture)
    OrderFormFieldFactory(category=furniture, name="color", label="Цвет", position=1)
    OrderFormFieldFactory(category=furniture, name="comment", label="Комментарий", position=2)
    OrderFormFieldFactory(
        category=sofas, name="color", label="Цвет обивки", required=True, position=5
    )
    OrderFormFieldFactory(category=sofas, name="legs", label="Ножки", number=True, position=0)
    sofa = ItemFactory(name="Диван «Комфорт»", category=sofas)
    OrderFormFieldFactory(item=sofa, name="fabric", label="Ткань", choice=True, required=True)
    OrderFormFieldFactory(item=sofa, name="delivery_on", label="Дата доставки", date=True)
    return sofa


def test_fields_are_inherited_root_first_and_overridden_lower_down(sofa):
    fields = order_form_fields(sofa)

    assert [(field.name, field.label, field.required) for field in fields] == [
        ("comment", "Комментарий", False),
        ("legs", "Ножки", False),
        ("color", "Цвет обивки", True),
        ("fabric", "Ткань", True),
        ("delivery_on", "Дата доставки", False),
    ]


def test_item_field_overrides_its_category_field(sofa):
    OrderFormFieldFactory(item=sofa, name="legs", label="Ножки дивана", choice=True, choices=["4"])

    fields = order_form_fields(sofa)

    assert [field.name for field in fields] == ["comment", "color", "fabric", "delivery_on", "legs"]
    assert fields[-1].field_type == FieldType.CHOICE


def test_fields_cost_two_queries_at_most(sofa, django_assert_num_queries):
    item = Item.objects.get(pk=sofa.pk)
    with django_assert_num_queries(2):
        order_form_fields(item)

    preloaded = Item.objects.select_related("category").get(pk=sofa.pk)
    with django_assert_num_queries(1):
        order_form_fields(preloaded)


def test_sibling_and_other_items_fields_are_not_inherited(sofa):
    furniture = Category.objects.get_parent(sofa.category)
    tables = CategoryFactory(name="Столы", parent=furniture)
    OrderFormFieldFactory(category=tables, name="finish", choice=True)
    OrderFormFieldFactory(item=ItemFactory(category=sofa.category), name="size")

    assert "finish" not in [field.name for field in order_form_fields(sofa)]
    assert "size" not in [field.name for field in order_form_fields(sofa)]


def test_item_without_category_has_its_own_fields_only():
    item = ItemFactory(category=None)
    OrderFormFieldFactory(category=CategoryFactory(), name="color")
    OrderFormFieldFactory(item=item, name="address", label="Адрес")

    assert [field.name for field in order_form_fields(item)] == ["address"]


def test_unsaved_item_gets_its_category_fields():
    furniture = CategoryFactory()
    OrderFormFieldFactory(category=furniture, name="color")
    OrderFormFieldFactory(category=CategoryFactory(), name="size")
    OrderFormFieldFactory(item=ItemFactory(category=None), name="address")

    fields = order_form_fields(Item(category=furniture))

    assert [field.name for field in fields] == ["color"]


def test_form_class_has_one_form_field_per_declared_field(sofa):
    form = order_form_class(sofa)()

    assert list(form.fields) == ["comment", "legs", "color", "fabric", "delivery_on"]
    assert [type(field) for field in form.fields.values()] == [
        forms.CharField,
        forms.DecimalField,
        forms.CharField,
        forms.ChoiceField,
        forms.DateField,
    ]
    assert form.fields["color"].label == "Цвет обивки"
    assert form.fields["color"].required is True
    assert form.fields["comment"].required is False
    assert form.fields["fabric"].choices == [
        ("", "---------"),
        ("Велюр", "Велюр"),
        ("Рогожка", "Рогожка"),
        ("Экокожа", "Экокожа"),
    ]
    assert form.fields["delivery_on"].widget.input_type == "date"


def test_form_class_reuses_given_fields(sofa, django_assert_num_queries):
    fields = order_form_fields(sofa)

    with django_assert_num_queries(0):
        form_class = order_form_class(sofa, fields)
        validate_custom_values(sofa, {"color": "Синий", "fabric": "Велюр"}, fields)

    assert list(form_class.base_fields) == ["comment", "legs", "color", "fabric", "delivery_on"]


def test_date_widget_renders_iso_date_in_russian(sofa):
    form_class = order_form_class(sofa)

    with translation.override("ru"):
        html = str(form_class(initial={"delivery_on": datetime.date(2026, 12, 31)})["delivery_on"])

    assert 'type="date"' in html
    assert 'value="2026-12-31"' in html


def test_valid_values_are_normalized_for_json(sofa):
    values = {
        "comment": "",
        "legs": 4,
        "color": "  Синий ",
        "fabric": "Рогожка",
        "delivery_on": "2026-12-31",
    }

    cleaned = validate_custom_values(sofa, values)

    assert cleaned == {
        "legs": "4",
        "color": "Синий",
        "fabric": "Рогожка",
        "delivery_on": "2026-12-31",
    }


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [("12.50", "12.50"), (2.5, "2.5"), ("1e3", "1000"), ("-3", "-3")],
)
def test_numbers_are_kept_as_decimal_strings(sofa, raw, normalized):
    cleaned = validate_custom_values(sofa, {"color": "Синий", "fabric": "Велюр", "legs": raw})

    assert cleaned["legs"] == normalized


def test_missing_required_fields_are_named(english, sofa):
    with pytest.raises(ValidationError) as error:
        validate_custom_values(sofa, {"comment": "Позвонить заранее"})

    assert error.value.message_dict == {
        "color": ["This field is required."],
        "fabric": ["This field is required."],
    }


def test_unknown_field_is_named(english, sofa):
    values = {"color": "Синий", "fabric": "Велюр", "finish": "Лак"}

    with pytest.raises(ValidationError) as error:
        validate_custom_values(sofa, values)

    assert error.value.message_dict == {"finish": ["Unknown field for this item."]}


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("legs", "четыре", "Enter a number."),
        ("legs", "NaN", "Enter a number."),
        ("legs", True, "Enter a number."),
        ("legs", "1e1000000", "Ensure that there are no more than 20 digits in total."),
        ("legs", "0.0000001", "Ensure that there are no more than 6 decimal places."),
        ("fabric", "Кожа", "Select a valid choice. Кожа is not one of the available choices."),
        ("delivery_on", "2026-02-30", "Enter a valid date."),
        ("delivery_on", "завтра", "Enter a valid date."),
        ("color", ["Синий", "Красный"], "Enter a single value."),
    ],
)
def test_bad_value_is_named(english, sofa, name, value, message):
    values = {"color": "Синий", "fabric": "Велюр", name: value}

    with pytest.raises(ValidationError) as error:
        validate_custom_values(sofa, values)

    assert error.value.message_dict == {name: [message]}


def test_every_bad_field_is_named_at_once(english, sofa):
    values = {"legs": "x", "delivery_on": "31/31/2026", "extra": 1}

    with pytest.raises(ValidationError) as error:
        validate_custom_values(sofa, values)

    assert error.value.message_dict == {
        "legs": ["Enter a number."],
        "color": ["This field is required."],
        "fabric": ["This field is required."],
        "delivery_on": ["Enter a valid date."],
        "extra": ["Unknown field for this item."],
    }


def test_messages_are_translated_to_russian(sofa):
    with translation.override("ru"), pytest.raises(ValidationError) as error:
        validate_custom_values(sofa, {"color": "Синий", "fabric": "Велюр", "extra": 1})

    assert error.value.message_dict == {"extra": ["Неизвестное поле для этой позиции."]}


def test_the_forms_of_several_items_cost_one_query_and_match_each_items_own(
    sofa, django_assert_num_queries
):
    sofas = Category.objects.get(name="Диваны")
    tables = CategoryFactory(name="Столы", parent=Category.objects.get_parent(sofas))
    OrderFormFieldFactory(category=tables, name="finish", choice=True)
    table = ItemFactory(category=tables)
    bare = ItemFactory(category=None)
    loaded = Item.objects.select_related("category").in_bulk([sofa.pk, table.pk])
    items = [loaded[sofa.pk], loaded[table.pk], Item.objects.get(pk=bare.pk)]
    expected = [order_form_fields(item) for item in items]

    with django_assert_num_queries(1):
        fields = order_form_fields_for(items)

    assert fields == expected
    assert [[field.name for field in each] for each in fields] == [
        ["comment", "legs", "color", "fabric", "delivery_on"],
        ["color", "comment", "finish"],
        [],
    ]


def test_items_read_for_ordering_know_whether_they_have_a_form(sofa, django_assert_num_queries):
    furniture = Category.objects.get(name="Мебель")
    chairs = CategoryFactory(name="Стулья", parent=furniture)  # inherits Мебель's fields
    lamps = CategoryFactory(name="Лампы")
    OrderFormFieldFactory(category=CategoryFactory(name="Лампочки", parent=lamps), name="watt")
    chair = ItemFactory(category=chairs)
    lamp = ItemFactory(category=lamps)  # a subcategory's fields are not its own
    bare = ItemFactory(category=None)
    engraved = ItemFactory(category=None)
    OrderFormFieldFactory(item=engraved, name="text")

    read = items_for_ordering().in_bulk([sofa.pk, chair.pk, lamp.pk, bare.pk, engraved.pk])

    assert {pk: item.has_order_form for pk, item in read.items()} == {
        sofa.pk: True,
        chair.pk: True,
        lamp.pk: False,
        bare.pk: False,
        engraved.pk: True,
    }
    for item in read.values():
        assert bool(order_form_fields(item)) is item.has_order_form


def test_items_without_a_form_cost_no_query_for_their_forms(sofa, django_assert_num_queries):
    lamp = ItemFactory(category=CategoryFactory(name="Лампы"))
    bare = ItemFactory(category=None)
    without = list(items_for_ordering().filter(pk__in=[lamp.pk, bare.pk]))
    mixed = list(items_for_ordering().filter(pk__in=[lamp.pk, sofa.pk]).order_by("pk"))

    with django_assert_num_queries(0):
        assert order_form_fields_for(without) == [[], []]
    with django_assert_num_queries(1):
        fields = order_form_fields_for(mixed)

    assert [len(each) for each in fields] == [5 if item == sofa else 0 for item in mixed]
