from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from catalog.models import Item


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
