"""An item's order form: the custom fields a customer fills in when ordering it.

Fields are declared on categories and on items. An item gets the fields of every
category from the root down to its own, then its own; a field declared lower with the
same name replaces the inherited one (a subcategory may make "color" required, an item
may narrow its choices).
"""

import functools
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import CharField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Category, Item, OrderFormField
from core.query_shapes import QueryShape

# Bounds on what a customer can store in an order's values: a text field is a short
# answer, and an unbounded decimal lets "1e1000000" expand to a million digits.
TEXT_MAX_LENGTH = 1000
NUMBER_MAX_DIGITS = 20
NUMBER_DECIMAL_PLACES = 6

_EMPTY_CHOICE = ("", "---------")


def items_for_ordering() -> QuerySet[Item]:
    """Items with their category and `has_order_form`, for lines about to be validated.

    Most items have no order form; knowing it from the items' own read spares the order
    its read of the forms (`order_form_fields_for`).
    """
    return Item.objects.select_related("category").annotate(has_order_form=_has_order_form())


SHAPED_ITEMS = 20


def items_for_ordering_by(field: str, values: Collection) -> list[Item]:
    """`items_for_ordering()` whose `field` ("pk" or "external_id") is one of `values`.

    Every order made asks: up to `SHAPED_ITEMS` different values the read is compiled once
    per field and number of values (`core.query_shapes`)."""
    values = sorted(set(values))
    if not values:
        return []
    if len(values) > SHAPED_ITEMS:
        return list(items_for_ordering().filter(**{f"{field}__in": values}))
    named = {f"value_{index}": value for index, value in enumerate(values)}
    return _items_shape(field, len(values)).objects(**named)


@functools.cache
def _items_shape(field: str, count: int) -> QueryShape:
    names = [f"value_{index}" for index in range(count)]

    def build(**values):
        return items_for_ordering().filter(**{f"{field}__in": list(values.values())})

    return QueryShape(build, *names, text=names if field == "external_id" else ())


def _has_order_form() -> Exists:
    # The item's own fields, or those of a category whose path starts the item's
    # category's path: its own category or an ancestor.
    item_path = ExpressionWrapper(OuterRef("category__path"), output_field=CharField())
    return Exists(
        OrderFormField.objects.alias(item_path=item_path).filter(
            Q(item_id=OuterRef("pk"))
            | Q(category__isnull=False, item_path__startswith=F("category__path"))
        )
    )


def order_form_fields(item: Item) -> list[OrderFormField]:
    """The item's effective fields, root category's first, then by position.

    Costs at most two queries: the item's category (none if already loaded) and the fields
    of all its ancestors and of the item together. Ancestor paths are prefixes of the
    category's materialized path, so no query is needed to find them.
    """
    return order_form_fields_for([item])[0]


def order_form_fields_for(items: Sequence[Item]) -> list[list[OrderFormField]]:
    """`order_form_fields` of each item, in the items' order, with one query for them all
    (none when no item has a key or a category), and one more for the categories of the
    items that come without theirs loaded. None at all when every item was read by
    `items_for_ordering` and has no form."""
    if all(getattr(item, "has_order_form", None) is False for item in items):
        return [[] for _item in items]
    unloaded = [
        item for item in items if item.category_id is not None and not Item.category.is_cached(item)
    ]
    if unloaded:
        categories = Category.objects.in_bulk({item.category_id for item in unloaded})
        for item in unloaded:
            item.category = categories[item.category_id]
    steplen = Category.steplen
    paths = {}
    owners = Q(pk__in=[])  # Q(item_id=None) would match every category's field
    for item in items:
        if item.pk is not None:
            owners |= Q(item_id=item.pk)
        if item.category_id is not None:
            path = item.category.path
            paths[item.category_id] = {path[:end] for end in range(steplen, len(path) + 1, steplen)}
    all_paths = set().union(*paths.values()) if paths else set()
    if all_paths:
        owners |= Q(category__path__in=sorted(all_paths))
    declared = (
        list(OrderFormField.objects.filter(owners).select_related("category"))
        if any(item.pk is not None for item in items) or all_paths
        else []
    )
    declared.sort(key=_inheritance_order)
    result = []
    for item in items:
        ancestors = paths.get(item.category_id, set())
        effective: dict[str, OrderFormField] = {}
        for field in declared:
            owned = (
                field.item_id == item.pk
                if field.category_id is None
                else field.category.path in ancestors
            )
            if owned:
                effective[field.name] = field
        result.append(sorted(effective.values(), key=_inheritance_order))
    return result


def _inheritance_order(field: OrderFormField) -> tuple:
    # Root category first (depth 1), deeper ones next, the item's own fields last.
    owner_is_item = field.category_id is None
    depth = 0 if owner_is_item else field.category.depth
    return (owner_is_item, depth, field.position, field.pk)


def _form_field(field: OrderFormField) -> forms.Field:
    options = {"required": field.required, "label": field.label, "help_text": field.help_text}
    match field.field_type:
        case OrderFormField.FieldType.NUMBER:
            return forms.DecimalField(
                max_digits=NUMBER_MAX_DIGITS, decimal_places=NUMBER_DECIMAL_PLACES, **options
            )
        case OrderFormField.FieldType.CHOICE:
            # An empty first option, so a required choice is a decision, not a default.
            choices = [_EMPTY_CHOICE, *((choice, choice) for choice in field.choices)]
            return forms.ChoiceField(choices=choices, **options)
        case OrderFormField.FieldType.DATE:
            # A browser date input sends and expects ISO dates whatever the language.
            widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            return forms.DateField(widget=widget, **options)
        case _:
            return forms.CharField(max_length=TEXT_MAX_LENGTH, **options)


def order_form_class(
    item: Item, fields: Iterable[OrderFormField] | None = None
) -> type[forms.Form]:
    """A form class with one field per declared field, in order-form order.

    Pass `fields` (from `order_form_fields`) to reuse them and save the queries.
    """
    if fields is None:
        fields = order_form_fields(item)
    attrs = {field.name: _form_field(field) for field in fields}
    return type("OrderForm", (forms.Form,), attrs)


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        # Fixed-point: str() would give "1E+3" for an input of "1e3".
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def validate_custom_values(
    item: Item,
    values: Mapping[str, Any],
    fields: Iterable[OrderFormField] | None = None,
    *,
    past_dates_allowed: bool = True,
) -> dict[str, Any]:
    """Check raw values (from a form, the API or 1C) against the item's order form.

    Returns the declared fields' values as JSON-ready data: decimals and dates as
    strings, empty optional fields left out. Raises ValidationError with a dict naming
    every bad field: invalid, missing while required, or not declared for this item.
    Without `past_dates_allowed` (a client choosing now, e.g. a mounting day), a date
    before today is refused; lines already agreed keep theirs.
    """
    form_class = order_form_class(item, fields)
    errors: dict[str, list[str]] = {
        key: [str(_("Unknown field for this item."))]
        for key in values
        if key not in form_class.base_fields
    }
    data = {}
    for key, value in values.items():
        if key not in form_class.base_fields:
            continue
        if isinstance(value, list | dict | set | tuple):
            errors[key] = [str(_("Enter a single value."))]
        else:
            data[key] = value
    form = form_class(data=data)
    form.is_valid()
    for name, messages in form.errors.items():
        # A key refused above is missing from the form data; don't add "required" to it.
        errors.setdefault(name, list(messages))
    if not past_dates_allowed:
        today = timezone.localdate()
        for name, value in form.cleaned_data.items():
            if isinstance(value, date) and value < today and name not in errors:
                errors[name] = [
                    str(_("%(date)s is in the past; choose today or a later date."))
                    % {"date": value.strftime("%d.%m.%Y")}
                ]
    if errors:
        raise ValidationError(errors)
    return {
        name: _json_value(value)
        for name, value in form.cleaned_data.items()
        if value not in (None, "")
    }
