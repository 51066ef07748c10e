from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from treebeard.exceptions import InvalidMoveToDescendant

from catalog.models import Category, Item

# Treebeard fills these when it places the node; validating them before would fail.
_TREE_FIELDS = ["path", "depth", "numchild"]


def _item_save(item: Item, fields: dict) -> Item:
    for name, value in fields.items():
        setattr(item, name, value)
    item.full_clean()
    item.save()
    return item


def item_create(*, fields: dict, by=None) -> Item:
    """A new item from `fields` (model field names); raises ValidationError naming fields."""
    return _item_save(Item(), fields)


def item_update(*, item: Item, fields: dict, by=None) -> Item:
    with transaction.atomic():
        locked = Item.objects.select_for_update().get(pk=item.pk)
        return _item_save(locked, fields)


def item_upsert(*, external_id: str, fields: dict, by=None) -> tuple[Item, bool]:
    """Create or update the item known by `external_id` in the accounting system.

    Returns the item and whether it was created; a concurrent create of the same item
    loses on the unique constraint and updates the winner's row instead.
    """
    for attempt in range(2):
        try:
            with transaction.atomic():
                item = Item.objects.select_for_update().filter(external_id=external_id).first()
                created = item is None
                if created:
                    item = Item(external_id=external_id)
                return _item_save(item, fields), created
        except (IntegrityError, ValidationError):
            # Another call created it between our read and our insert (its row fails our
            # uniqueness check or our insert): the second attempt updates that row.
            if attempt or not Item.objects.filter(external_id=external_id).exists():
                raise
    raise AssertionError("unreachable")


def category_create(*, fields: dict, parent: Category | None = None, by=None) -> Category:
    """A new category under `parent` (a root without one); raises ValidationError naming fields."""
    category = Category(**fields)
    category.full_clean(exclude=_TREE_FIELDS)
    if parent is None:
        return Category.objects.add_root(instance=category)
    return Category.objects.add_child(Category.objects.get(pk=parent.pk), instance=category)


def category_update(
    *, category: Category, fields: dict, parent: Category | None = None, by=None
) -> Category:
    """Change `fields` and put the category (with its subtree) under `parent`.

    The node is moved when its parent or its name changed: siblings are kept sorted by
    name, so a rename may change its place. A parent inside its own subtree is refused.
    """
    with transaction.atomic():
        locked = Category.objects.select_for_update().get(pk=category.pk)
        renamed = "name" in fields and fields["name"] != locked.name
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.full_clean(exclude=_TREE_FIELDS)
        locked.save()
        current_parent_path = locked.path[: -Category.steplen]
        target = Category.objects.get(pk=parent.pk) if parent is not None else None
        moved = (target.path if target else "") != current_parent_path
        if moved or renamed:
            _category_place(locked, target)
        locked.refresh_from_db()
        return locked


def _category_place(category: Category, parent: Category | None) -> None:
    try:
        if parent is None:
            Category.objects.move(
                category, Category.objects.get_first_root_node(), "sorted-sibling"
            )
        else:
            Category.objects.move(category, parent, "sorted-child")
    except InvalidMoveToDescendant as error:
        raise ValidationError(
            {"parent": _("A category cannot be placed inside itself or its subcategories.")}
        ) from error
