from decimal import Decimal

import pytest

from catalog.demo import seed_catalog
from catalog.models import Category, Item, OrderFormField
from catalog.order_forms import order_form_fields

pytestmark = pytest.mark.django_db


def _counts():
    return (Category.objects.count(), Item.objects.count(), OrderFormField.objects.count())


def _form(sku):
    item = Item.objects.get(sku=sku)
    return [
        (field.name, field.label, field.field_type, field.choices, field.required)
        for field in order_form_fields(item)
    ]


def test_seeding_twice_creates_nothing_new():
    seed_catalog()
    first = _counts()
    seed_catalog()

    assert _counts() == first == (5, 7, 6)
    assert Category.objects.find_problems() == ([], [], [], [], [])


def test_demo_tree_and_items():
    seed_catalog()

    tree = [(category.name, category.depth) for category in Category.objects.all()]
    sofa = Item.objects.get(sku="DEMO-SOFA-KOMFORT")
    assert tree == [
        ("Мебель", 1),
        ("Диваны", 2),
        ("Столы", 2),
        ("Услуги", 1),
        ("Монтаж и сервис", 2),
    ]
    assert (sofa.name, sofa.kind, sofa.price, sofa.category.name) == (
        "Диван «Комфорт»",
        Item.Kind.PRODUCT,
        Decimal("45000.00"),
        "Диваны",
    )
    assert set(Item.objects.filter(kind=Item.Kind.SERVICE).values_list("name", flat=True)) == {
        "Сборка мебели",
        "Сервисное обслуживание",
    }
    for item in Item.objects.all():
        item.full_clean()
    for field in OrderFormField.objects.all():
        field.full_clean()


def test_demo_order_forms():
    seed_catalog()

    color = ("color", "Цвет", "text", [], False)
    assert _form("DEMO-SOFA-KOMFORT") == [
        color,
        ("fabric", "Ткань обивки", "choice", ["Велюр", "Рогожка", "Экокожа"], True),
    ]
    assert _form("DEMO-TABLE-DUB") == [
        color,
        ("finish", "Покрытие", "choice", ["Лак", "Масло", "Без покрытия"], True),
    ]
    assert _form("DEMO-CHAIR-VENA") == [color]
    assert _form("DEMO-SRV-ASSEMBLY") == [
        ("address", "Адрес", "text", [], True),
        ("date", "Дата", "date", [], True),
    ]
    assert _form("DEMO-SRV-MAINTENANCE") == [("date", "Дата", "date", [], True)]
