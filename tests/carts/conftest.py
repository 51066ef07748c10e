import pytest
from django.utils import translation

from tests.catalog.factories import CategoryFactory, ItemFactory, OrderFormFieldFactory
from tests.factories import ContactFactory


@pytest.fixture(autouse=True)
def english():
    """Messages in English for exact assertions; lazy ones are rendered when read."""
    with translation.override("en"):
        yield


@pytest.fixture
def contact(db):
    return ContactFactory()


@pytest.fixture
def sofa(db):
    """Мебель > Диваны > a sofa with a required fabric (its own) and an optional color."""
    furniture = CategoryFactory(name="Мебель", slug="mebel")
    sofas = CategoryFactory(name="Диваны", slug="divany", parent=furniture)
    OrderFormFieldFactory(category=furniture, name="color", label="Цвет")
    sofa = ItemFactory(name="Диван «Комфорт»", category=sofas, price="45000.00")
    OrderFormFieldFactory(
        item=sofa, name="fabric", label="Ткань обивки", choice=True, required=True
    )
    return sofa
