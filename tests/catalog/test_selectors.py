import pytest

from catalog.models import Item
from catalog.selectors import category_subtree_items, item_get_by_sku, item_list_active
from tests.catalog.factories import CategoryFactory, ItemFactory

pytestmark = pytest.mark.django_db


def test_subtree_items_include_descendants_and_not_siblings(django_assert_max_num_queries):
    furniture = CategoryFactory(name="Мебель")
    sofas = CategoryFactory(name="Диваны", parent=furniture)
    corner_sofas = CategoryFactory(name="Угловые", parent=sofas)
    tables = CategoryFactory(name="Столы", parent=furniture)
    services = CategoryFactory(name="Услуги")
    sofa = ItemFactory(name="Диван", category=sofas)
    corner_sofa = ItemFactory(name="Диван угловой", category=corner_sofas)
    ItemFactory(name="Стол", category=tables)
    ItemFactory(name="Сборка", category=services)
    ItemFactory(name="Без категории", category=None)

    with django_assert_max_num_queries(1):
        items = list(category_subtree_items(sofas))
        category_names = [item.category.name for item in items]

    assert items == [sofa, corner_sofa]
    assert category_names == ["Диваны", "Угловые"]


def test_subtree_of_a_root_holds_the_whole_branch(django_assert_max_num_queries):
    furniture = CategoryFactory(name="Мебель")
    sofas = CategoryFactory(name="Диваны", parent=furniture)
    chair = ItemFactory(name="Стул", category=furniture)
    sofa = ItemFactory(name="Диван", category=sofas)
    ItemFactory(name="Сборка", category=CategoryFactory(name="Услуги"))

    with django_assert_max_num_queries(1):
        items = list(category_subtree_items(furniture))

    assert items == [sofa, chair]


def test_active_items_come_with_their_category(django_assert_max_num_queries):
    active = ItemFactory(name="Диван")
    ItemFactory(name="Архивный", is_active=False)

    with django_assert_max_num_queries(1):
        items = list(item_list_active())
        categories = [item.category for item in items]

    assert items == [active]
    assert categories == [active.category]


def test_item_by_sku():
    item = ItemFactory(sku="SOFA-1")

    assert item_get_by_sku("SOFA-1") == item
    with pytest.raises(Item.DoesNotExist):
        item_get_by_sku("NOPE")
