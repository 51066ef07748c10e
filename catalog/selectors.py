from django.db.models import QuerySet

from catalog.models import Category, Item


def item_list_active() -> QuerySet[Item]:
    """Items that can be ordered now, with their category loaded in the same query."""
    return Item.objects.filter(is_active=True).select_related("category")


def category_subtree_items(category: Category) -> QuerySet[Item]:
    """Items of the category and of every category below it, active or not, in one query.

    A descendant's materialized path starts with its ancestor's, so the whole subtree is
    one prefix match on the indexed path column, however deep the tree.
    """
    return Item.objects.filter(category__path__startswith=category.path).select_related("category")


def item_get_by_sku(sku: str) -> Item:
    """The item with this SKU and its category; raises Item.DoesNotExist if there is none."""
    return Item.objects.select_related("category").get(sku=sku)
