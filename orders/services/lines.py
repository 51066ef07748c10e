"""Order lines from input: checked against each item's order form, priced, totalled
(prices include VAT), written, and frozen as they stand for quotes and events."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from catalog.models import Item
from catalog.order_forms import items_for_ordering, order_form_fields_for, validate_custom_values
from catalog.pricing import item_prices
from core.money import discounted, line_amount, vat_included
from orders.errors import OrderValidationError
from orders.lifecycle import OrderKind
from orders.models import Order, OrderLine

# A position outside the catalog: the catalog's default unit and VAT rate unless given.
FREE_LINE_UNIT = Item._meta.get_field("unit").default
FREE_LINE_VAT_RATE = Item._meta.get_field("vat_rate").default


@dataclass
class LineInput:
    """One line to order: a catalog `item`, or with `item` None a free position known by
    its `name`, with its own `unit_price` and `vat_rate` (catalog lines take the item's)."""

    item: Item | int | str | None
    quantity: Decimal | int | str
    unit_price: Decimal | str | None = None
    discount_percent: Decimal | str = Decimal("0")
    custom_values: dict = field(default_factory=dict)
    name: str = ""
    vat_rate: int | str | None = None


@dataclass
class _PreparedLine:
    item: Item | None
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    custom_values: dict
    custom_labels: dict
    name: str = ""
    unit: str = ""
    vat_rate: int = 0

    @property
    def total(self) -> Decimal:
        return discounted(self.quantity * self.unit_price, self.discount_percent)

    @property
    def gross(self) -> Decimal:
        return line_amount(self.quantity, self.unit_price)


def _decimal(value, *, errors, key, minimum=None, maximum=None):
    try:
        number = Decimal(str(value))
    except (ArithmeticError, ValueError, TypeError):
        errors[key] = [_("Enter a number.")]
        return None
    if not number.is_finite():
        errors[key] = [_("Enter a number.")]
        return None
    if minimum is not None and number < minimum:
        errors[key] = [_("Must be at least %(minimum)s.") % {"minimum": minimum}]
        return None
    if maximum is not None and number > maximum:
        errors[key] = [_("Must be at most %(maximum)s.") % {"maximum": maximum}]
        return None
    return number


def _resolve_items(lines: list[LineInput]) -> dict:
    """Each catalog line's item by its reference, with one query for the ids among them."""
    resolved = {}
    wanted = set()
    for line in lines:
        if isinstance(line.item, Item):
            resolved[line.item] = line.item
        elif line.item is not None and line.item != "":
            wanted.add(line.item)
    if wanted:
        keys = set()
        for reference in wanted:
            try:
                keys.add(int(reference))
            except (TypeError, ValueError):
                resolved[reference] = None
        found = items_for_ordering().in_bulk(keys) if keys else {}
        for reference in wanted - resolved.keys():
            resolved[reference] = found.get(int(reference))
    return resolved


def _prepare_lines(lines: list[LineInput], *, kind: str) -> list[_PreparedLine]:
    """Validate every line against its item's order form; all errors at once, nothing saved.

    Reads the items given by id with one query and every item's order form with one more,
    whatever the number of lines."""
    errors: dict[str, list[str]] = {}
    prepared = []
    if not lines and kind != OrderKind.SUPPORT:
        raise OrderValidationError({"lines": [_("Add at least one item to the order.")]})
    items = _resolve_items(lines)
    distinct_items = list({item.pk: item for item in items.values() if item is not None}.values())
    forms = dict(
        zip(
            (item.pk for item in distinct_items),
            order_form_fields_for(distinct_items),
            strict=True,
        )
    )
    for index, line in enumerate(lines):
        prefix = f"lines.{index}"
        if line.item is None or line.item == "":
            free = _prepare_free_line(line, errors=errors, prefix=prefix)
            if free is not None:
                prepared.append(free)
            continue
        item = items[line.item]
        if item is None:
            errors[f"{prefix}.item"] = [_("No such item in the catalog.")]
            continue
        if not item.is_active:
            errors[f"{prefix}.item"] = [_("This item is no longer sold.")]
        quantity = _decimal(
            line.quantity, errors=errors, key=f"{prefix}.quantity", minimum=Decimal("0.001")
        )
        unit_price = (
            item.price
            if line.unit_price is None
            else _decimal(line.unit_price, errors=errors, key=f"{prefix}.unit_price", minimum=0)
        )
        discount = _decimal(
            line.discount_percent,
            errors=errors,
            key=f"{prefix}.discount_percent",
            minimum=0,
            maximum=100,
        )
        fields = forms[item.pk]
        try:
            custom_values = validate_custom_values(item, line.custom_values or {}, fields=fields)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors[f"{prefix}.custom_values.{name}"] = messages
            custom_values = None
        if quantity is None or unit_price is None or discount is None or custom_values is None:
            continue
        labels = {field.name: field.label for field in fields if field.name in custom_values}
        prepared.append(
            _PreparedLine(
                item,
                quantity,
                unit_price,
                discount,
                custom_values,
                labels,
                name=item.name,
                unit=item.unit,
                vat_rate=item.vat_rate,
            )
        )
    if errors:
        raise OrderValidationError(errors)
    return prepared


def _prepare_free_line(line: LineInput, *, errors: dict, prefix: str) -> _PreparedLine | None:
    """A position outside the catalog: a name, a quantity, a price; no order form."""
    name = (line.name or "").strip()
    if not name:
        errors[f"{prefix}.name"] = [_("Name the position, or choose an item from the catalog.")]
    elif len(name) > OrderLine._meta.get_field("name").max_length:
        errors[f"{prefix}.name"] = [_("The name is too long.")]
    quantity = _decimal(
        line.quantity, errors=errors, key=f"{prefix}.quantity", minimum=Decimal("0.001")
    )
    unit_price = None
    if line.unit_price is None or line.unit_price == "":
        errors[f"{prefix}.unit_price"] = [_("Give the price of a position outside the catalog.")]
    else:
        unit_price = _decimal(line.unit_price, errors=errors, key=f"{prefix}.unit_price", minimum=0)
    discount = _decimal(
        line.discount_percent,
        errors=errors,
        key=f"{prefix}.discount_percent",
        minimum=0,
        maximum=100,
    )
    vat_rate = FREE_LINE_VAT_RATE
    if line.vat_rate not in (None, ""):
        try:
            vat_rate = int(line.vat_rate)
        except (TypeError, ValueError):
            vat_rate = None
        if vat_rate not in Item.VatRate.values:
            errors[f"{prefix}.vat_rate"] = [_("Unknown VAT rate.")]
            vat_rate = None
    if line.custom_values:
        errors[f"{prefix}.custom_values"] = [_("A position outside the catalog has no order form.")]
    if not name or quantity is None or unit_price is None or discount is None or vat_rate is None:
        return None
    if f"{prefix}.name" in errors or f"{prefix}.custom_values" in errors:
        return None
    return _PreparedLine(
        None,
        quantity,
        unit_price,
        discount,
        {},
        {},
        name=name,
        unit=FREE_LINE_UNIT,
        vat_rate=vat_rate,
    )


def _apply_totals(order: Order, prepared: list[_PreparedLine]) -> None:
    """Totals come from the lines; prices include VAT, as Russian retail prices do."""
    _set_totals(
        order,
        [(line.gross, line.total, line.vat_rate) for line in prepared],
    )


def _set_totals(order: Order, lines: list[tuple[Decimal, Decimal, int]]) -> None:
    """From (gross, total, VAT rate) per line, plus the order's delivery and service costs,
    which carry the highest VAT rate of the lines, as the goods they serve."""
    extras = Decimal(order.delivery_cost) + Decimal(order.service_cost)
    order.subtotal = sum((gross for gross, _total, _rate in lines), Decimal("0")) + extras
    order.total = sum((total for _gross, total, _rate in lines), Decimal("0")) + extras
    order.discount_total = order.subtotal - order.total
    extras_rate = max((rate for _gross, _total, rate in lines), default=-1)
    order.vat_total = sum(
        (vat_included(total, rate) for _gross, total, rate in lines), Decimal("0")
    ) + vat_included(extras, extras_rate)


def _write_lines(order: Order, prepared: list[_PreparedLine]) -> list[OrderLine]:
    return OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=order,
                position=position,
                item=line.item,
                name=line.name,
                quantity=line.quantity,
                unit=line.unit,
                unit_price=line.unit_price,
                discount_percent=line.discount_percent,
                vat_rate=line.vat_rate,
                line_total=line.total,
                custom_values=line.custom_values,
                custom_labels=line.custom_labels,
            )
            for position, line in enumerate(prepared, start=1)
        ]
    )


def line_inputs_at_todays_prices(lines: list[OrderLine]) -> list[LineInput]:
    """A past order's lines as input for a new one, priced as a cart is today
    (`catalog.pricing`): each item at its current price with the offer valid now, none
    when it has ended; discounts agreed for the old order are not carried over. A free
    position keeps its price and discount: it has no catalog price to go back to. The
    lines need `item__category` loaded."""
    prices = item_prices({line.item.pk: line.item for line in lines if line.item_id}.values())
    inputs = []
    for line in lines:
        if line.item_id is None:
            inputs.append(
                LineInput(
                    item=None,
                    name=line.name,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    vat_rate=line.vat_rate,
                    discount_percent=line.discount_percent,
                )
            )
            continue
        # No unit price: `order_create` takes the item's today, the one `prices` has.
        inputs.append(
            LineInput(
                item=line.item,
                quantity=line.quantity,
                discount_percent=prices[line.item_id].discount_percent,
                custom_values=line.custom_values,
            )
        )
    return inputs


def _snapshot_lines(order: Order) -> list[dict]:
    return [
        {
            "item_id": line.item_id,
            "name": line.name,
            "quantity": str(line.quantity),
            "unit": line.unit,
            "unit_price": str(line.unit_price),
            "discount_percent": str(line.discount_percent),
            "vat_rate": line.vat_rate,
            "line_total": str(line.line_total),
            "custom_values": line.custom_values,
            "custom_labels": line.custom_labels,
        }
        for line in order.lines.order_by("position")
    ]
