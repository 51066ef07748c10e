from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from treebeard.exceptions import InvalidMoveToDescendant

from catalog.models import (
    Attribute,
    Category,
    Item,
    ItemAttributeValue,
    OrderFormField,
    SpecialOffer,
)

# Treebeard fills these when it places the node; validating them before would fail.
_TREE_FIELDS = ["path", "depth", "numchild"]


def _item_save(item: Item, fields: dict, attributes: dict[str, str] | None, by) -> Item:
    for name, value in fields.items():
        setattr(item, name, value)
    item.full_clean()
    if by is not None:  # else the history names the request's user, if any
        item._history_user = by
    item.save()
    if attributes is not None:
        item_attributes_set(item=item, values=attributes)
    return item


def item_create(*, fields: dict, attributes: dict[str, str] | None = None, by=None) -> Item:
    """A new item from `fields` (model field names) and its attribute values (code → value).

    Raises ValidationError naming the fields, "attributes" for a bad attribute value.
    """
    with transaction.atomic():
        return _item_save(Item(), fields, attributes, by)


def item_update(
    *, item: Item, fields: dict, attributes: dict[str, str] | None = None, by=None
) -> Item:
    """Change `fields`; `attributes`, when given, replaces all of the item's values."""
    with transaction.atomic():
        locked = Item.objects.select_for_update().get(pk=item.pk)
        return _item_save(locked, fields, attributes, by)


def item_upsert(
    *, external_id: str, fields: dict, attributes: dict[str, str] | None = None, by=None
) -> tuple[Item, bool]:
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
                return _item_save(item, fields, attributes, by), created
        except (IntegrityError, ValidationError):
            # Another call created it between our read and our insert (its row fails our
            # uniqueness check or our insert): the second attempt updates that row.
            if attempt or not Item.objects.filter(external_id=external_id).exists():
                raise
    raise AssertionError("unreachable")


def item_attributes_set(*, item: Item, values: dict[str, str]) -> None:
    """Make the item's attribute values exactly `values` (attribute code → value).

    An empty value removes that attribute from the item. Unknown codes and overlong
    values are refused, naming them, under the key "attributes".
    """
    wanted = {code: (value or "").strip() for code, value in values.items()}
    attributes = Attribute.objects.in_bulk(list(wanted), field_name="code")
    problems = [
        _("No attribute “%(code)s”.") % {"code": code} for code in wanted if code not in attributes
    ]
    max_length = ItemAttributeValue._meta.get_field("value").max_length
    problems += [
        _("The value of “%(code)s” is longer than %(max)s characters.")
        % {"code": code, "max": max_length}
        for code, value in wanted.items()
        if len(value) > max_length
    ]
    if problems:
        raise ValidationError({"attributes": problems})
    current = {
        row.attribute.code: row
        for row in ItemAttributeValue.objects.filter(item=item).select_related("attribute")
    }
    stale = [row.pk for code, row in current.items() if not wanted.get(code)]
    if stale:
        ItemAttributeValue.objects.filter(pk__in=stale).delete()
    for code, value in wanted.items():
        row = current.get(code)
        if not value or (row is not None and row.value == value):
            continue
        if row is None:
            ItemAttributeValue.objects.create(item=item, attribute=attributes[code], value=value)
        else:
            row.value = value
            row.save(update_fields=["value"])


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


def order_form_field_upsert(
    *,
    category: Category | None = None,
    item: Item | None = None,
    name: str,
    fields: dict,
    by=None,
) -> tuple[OrderFormField, bool]:
    """Create or update the field `name` of `category` or of `item` (one of them, not both).

    Returns the field and whether it was created. Raises ValidationError naming fields,
    "choices" for choices that do not suit the type (the model's `clean`).
    """
    with transaction.atomic():
        form_field = (
            OrderFormField.objects.select_for_update()
            .filter(category=category, item=item, name=name)
            .first()
        )
        created = form_field is None
        if created:
            form_field = OrderFormField(category=category, item=item, name=name)
        for field_name, value in fields.items():
            setattr(form_field, field_name, value)
        form_field.full_clean()
        form_field.save()
        return form_field, created


def special_offer_upsert(
    *, code: str, fields: dict, items: list[Item] | None = None, by=None
) -> tuple[SpecialOffer, bool]:
    """Create or update the offer with `code`; `items`, when given, replaces its items.

    Returns the offer and whether it was created. Raises ValidationError naming fields:
    a discount outside 0–100 %, an end before the start. Two calls creating the same code
    at once: the second fails on the unique constraint (IntegrityError).
    """
    if not code:
        # Saving would make one up, and the next file could not find the offer by it.
        raise ValidationError({"code": _("Give the offer a code.")})
    with transaction.atomic():
        offer = SpecialOffer.objects.select_for_update().filter(code=code).first()
        created = offer is None
        if created:
            offer = SpecialOffer(code=code)
        for field_name, value in fields.items():
            setattr(offer, field_name, value)
        offer.full_clean()
        offer.save()
        if items is not None:
            offer.items.set(items)
        return offer, created


def attribute_upsert(*, code: str, fields: dict, by=None) -> tuple[Attribute, bool]:
    """Create or update the attribute with `code` (name, position, "filter in the
    catalog"). Returns it and whether it was created; raises ValidationError naming
    fields, "code" for one that is not a plain identifier."""
    with transaction.atomic():
        attribute = Attribute.objects.select_for_update().filter(code=code).first()
        created = attribute is None
        if created:
            attribute = Attribute(code=code)
        for name, value in fields.items():
            setattr(attribute, name, value)
        attribute.full_clean()
        attribute.save()
        return attribute, created
