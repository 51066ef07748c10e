"""Order lines as the manager types them: catalog rows with each item's order form, free
rows for positions outside the catalog; turned into the services' `LineInput`s, and the
services' refusals put back onto the row they came from. Used by the new-order page and
the quote builder alike."""

import re

from catalog.models import Item
from catalog.order_forms import order_form_class, order_form_fields, order_form_fields_for
from core.form_errors import form_add_errors
from orders.services import LineInput

# The prefix of a catalog row's order form: the row's own, then "of" (order form).
ROW_PREFIX = re.compile(r"(?:cat|qcat)-[0-9]{1,3}")


def int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def options_form(item, prefix, data=None, fields=None):
    """The item's order form for one catalog row, bound to the posted answers if any."""
    if fields is None:
        fields = order_form_fields(item)
    return order_form_class(item, fields)(data, prefix=f"{prefix}-of")


def catalog_row_options(catalog_rows, data) -> list:
    """Each catalog row's order form, for the rows whose item is chosen (one query for the
    items, one for all their fields)."""
    item_ids = {}
    for row in catalog_rows.forms:
        item_id = int_or_none(row.data.get(row.add_prefix("item"))) if data is not None else None
        item_ids[row.prefix] = item_id
    items = Item.objects.select_related("category").in_bulk(
        [item_id for item_id in item_ids.values() if item_id]
    )
    fields = dict(zip(items, order_form_fields_for(list(items.values())), strict=True))
    return [
        options_form(items[item_id], row.prefix, data, fields[item_id])
        if (item_id := item_ids[row.prefix]) in items
        else None
        for row in catalog_rows.forms
    ]


def new_line_inputs(catalog_rows, options, free_rows) -> tuple[list[LineInput], list]:
    """The lines typed into the (valid) catalog and free rows, and where each came from."""
    lines, places = [], []
    for row, option_form in zip(catalog_rows.forms, options, strict=True):
        if not row.has_changed() or not row.cleaned_data.get("item"):
            continue
        raw_values = {}
        if option_form is not None:
            raw_values = {
                name: option_form.data.get(option_form.add_prefix(name), "")
                for name in option_form.fields
            }
        lines.append(
            LineInput(
                item=row.cleaned_data["item"],
                quantity=row.cleaned_data["quantity"],
                custom_values={name: value for name, value in raw_values.items() if value != ""},
            )
        )
        places.append((row, option_form))
    for row in free_rows.forms:
        if not row.has_changed():
            continue
        lines.append(
            LineInput(
                item=None,
                name=row.cleaned_data["name"],
                quantity=row.cleaned_data["quantity"],
                unit_price=row.cleaned_data["unit_price"],
                vat_rate=row.cleaned_data["vat_rate"],
            )
        )
        places.append((row, None))
    return lines, places


def line_errors_add(form, places, errors: dict) -> None:
    """`lines.<n>.<field>` onto the row the n-th line came from; the rest onto the form."""
    for key, texts in errors.items():
        parts = key.split(".", 2)
        if parts[0] == "lines" and len(parts) == 3 and parts[1].isdigit():
            index = int(parts[1])
            if index < len(places):
                row, option_form = places[index]
                field = parts[2]
                if field.startswith("custom_values.") and option_form is not None:
                    name = field.removeprefix("custom_values.")
                    if name in option_form.fields and option_form.errors.get(name):
                        continue  # the bound order form already shows it
                    form_add_errors(option_form, {name: texts})
                else:
                    form_add_errors(row, {field: texts})
                continue
        form_add_errors(form, {key: texts})
