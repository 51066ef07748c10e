"""The catalog's CSV files: their columns, reading an upload, and the rows of an export.

Exported files are UTF-8 with a byte order mark (without it Excel reads them as the
local ANSI code page and garbles Cyrillic) with `;` between cells and a decimal comma:
Excel with Russian regional settings uses "," as its decimal separator and therefore ";"
as its list separator, so a double-clicked file opens in columns and "1234,50" is read
as a number (a "12.05" price would become the 12th of May). Uploads are read leniently:
UTF-8 or Windows-1251 (what "CSV" means in a Russian Excel), ";" or ",", a decimal comma
or point, dates as 2026-12-31 or 31.12.2026 (how Excel saves a date it recognised).
"""

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db.models import F, Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.models import Category, Item, OrderFormField, SpecialOffer
from catalog.selectors import attribute_values_prefetch

DELIMITER = ";"
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection); an
# apostrophe in front makes it text, and reading the file back removes that apostrophe.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NO_VAT = "none"
TRUE_WORDS = {"1", "true", "yes", "да"}
FALSE_WORDS = {"0", "false", "no", "нет"}
# Choices, SKUs and characteristics are lists inside one cell; "|" rarely occurs in them.
LIST_SEPARATOR = "|"
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y")


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    help: str


ITEM_COLUMNS = (
    Column("sku", True, gettext_lazy("Article (SKU), unique: a row updates the item with it.")),
    Column("name", True, gettext_lazy("Name.")),
    Column("kind", False, gettext_lazy("product or service.")),
    Column("category", False, gettext_lazy("Slug of the category; empty for none.")),
    Column("price", True, gettext_lazy("Price, not negative: 1234,50 or 1234.50.")),
    Column(
        "vat_rate",
        False,
        gettext_lazy("VAT rate in percent: 0, 10, 20, 22, or “none” for without VAT."),
    ),
    Column("unit", False, gettext_lazy("Unit of measure, e.g. шт.")),
    Column("in_stock", False, gettext_lazy("In stock: 1 or 0.")),
    Column("is_active", False, gettext_lazy("Can be ordered: 1 or 0.")),
    Column("external_id", False, gettext_lazy("ID in the accounting system; empty for none.")),
    Column("description", False, gettext_lazy("Description.")),
    Column(
        "attributes",
        False,
        gettext_lazy(
            "Characteristics as code=value separated by |, e.g. material=Дуб|width=120 см; "
            "they replace the item's; the codes are the attributes' identifiers."
        ),
    ),
)
CATEGORY_COLUMNS = (
    Column("slug", True, gettext_lazy("Slug, unique: a row updates the category with it.")),
    Column("name", True, gettext_lazy("Name.")),
    Column(
        "parent",
        False,
        gettext_lazy("Slug of the parent category, listed above this row; empty for the top."),
    ),
    Column("is_active", False, gettext_lazy("Shown to clients: 1 or 0.")),
    Column("description", False, gettext_lazy("Description.")),
)
FORM_FIELD_COLUMNS = (
    Column(
        "category",
        False,
        gettext_lazy("Slug of the category the field belongs to; empty when it is an item's."),
    ),
    Column(
        "item",
        False,
        gettext_lazy("SKU of the item the field belongs to; empty when it is a category's."),
    ),
    Column(
        "name",
        True,
        gettext_lazy(
            "Identifier, unique per category or item: a row updates the field with it; "
            "lowercase Latin letters, digits and _, e.g. fabric."
        ),
    ),
    Column("label", True, gettext_lazy("Label shown to the client.")),
    Column("field_type", False, gettext_lazy("text, number, choice or date.")),
    Column(
        "choices",
        False,
        gettext_lazy("Options of a choice field separated by |, e.g. Велюр|Рогожка."),
    ),
    Column("required", False, gettext_lazy("Must be filled in: 1 or 0.")),
    Column("help_text", False, gettext_lazy("Hint shown under the field.")),
    Column("position", False, gettext_lazy("Place in the form: 0, 1, 2…")),
)
OFFER_COLUMNS = (
    Column(
        "code",
        True,
        gettext_lazy(
            "Code, unique: a row updates the offer with it; Latin letters, digits, - and _."
        ),
    ),
    Column("title", True, gettext_lazy("Title.")),
    Column(
        "discount_percent", True, gettext_lazy("Discount in percent, over 0 and up to 100: 7,5.")
    ),
    Column("starts_on", True, gettext_lazy("First day: 2026-12-01 or 01.12.2026.")),
    Column("ends_on", False, gettext_lazy("Last day, written the same way; empty for no end.")),
    Column(
        "category",
        False,
        gettext_lazy(
            "Slug of the category whose items (subcategories included) it covers; empty for none."
        ),
    ),
    Column(
        "items",
        False,
        gettext_lazy("SKUs of the items it covers separated by |; they replace the offer's."),
    ),
    Column("is_active", False, gettext_lazy("In effect: 1 or 0.")),
    Column("description", False, gettext_lazy("Description.")),
)
COLUMNS = {
    "items": ITEM_COLUMNS,
    "categories": CATEGORY_COLUMNS,
    "form_fields": FORM_FIELD_COLUMNS,
    "offers": OFFER_COLUMNS,
}


class CsvFileError(Exception):
    """The file as a whole cannot be read: encoding, header or CSV syntax."""


@dataclass
class CsvRow:
    line: int
    cells: dict[str, str]
    errors: dict[str, list[str]] = field(default_factory=dict)


# Reading


def decode_upload(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1251")
        except UnicodeDecodeError as error:
            raise CsvFileError(_("Save the file as CSV in UTF-8 or Windows-1251.")) from error
    # PostgreSQL refuses NUL in text; such a file is not a spreadsheet's CSV anyway.
    if "\x00" in text:
        raise CsvFileError(_("The file contains NUL characters; is it really a CSV file?"))
    return text


def read_rows(text: str, kind: str) -> list[CsvRow]:
    """The data rows with their line numbers; raises CsvFileError naming what is wrong."""
    columns = COLUMNS[kind]
    first_line = text.split("\n", 1)[0]
    delimiter = DELIMITER if DELIMITER in first_line or "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        if not header:
            raise CsvFileError(_("The file is empty."))
        names = [name.strip().lower() for name in header]
        _check_header(names, columns)
        rows = []
        last_line = reader.line_num
        for record in reader:
            # A quoted cell may span lines: a row starts after the previous one ended.
            line, last_line = last_line + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            row = CsvRow(line=line, cells={})
            if len(record) > len(names) and any(cell.strip() for cell in record[len(names) :]):
                row.errors["__all__"] = [
                    _("The row has %(cells)s cells, the header names %(columns)s.")
                    % {"cells": len(record), "columns": len(names)}
                ]
            for name, cell in zip(names, record, strict=False):
                if name:
                    row.cells[name] = _cell_value(cell)
            rows.append(row)
    except csv.Error as error:
        raise CsvFileError(
            _("Line %(line)s cannot be read: %(error)s") % {"line": reader.line_num, "error": error}
        ) from error
    return rows


def _check_header(names: list[str], columns: Iterable[Column]) -> None:
    known = [column.name for column in columns]
    problems = []
    missing = [column.name for column in columns if column.required and column.name not in names]
    if missing:
        problems.append(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
    unknown = [name for name in names if name and name not in known]
    if unknown:
        problems.append(_("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)})
    repeated = sorted({name for name in names if name and names.count(name) > 1})
    if repeated:
        problems.append(_("Repeated columns: %(columns)s.") % {"columns": ", ".join(repeated)})
    if problems:
        problems.append(
            _("The first line must name the columns: %(columns)s.") % {"columns": ";".join(known)}
        )
        raise CsvFileError(" ".join(problems))


def _cell_value(cell: str) -> str:
    cell = cell.strip()
    if len(cell) > 1 and cell[0] == "'" and cell[1] in FORMULA_TRIGGERS:
        return cell[1:]
    return cell


# Converting cells to model values: errors are keyed by column, like the model's.


def item_fields(
    cells: dict[str, str], categories: dict[str, Category]
) -> tuple[dict, dict[str, list[str]]]:
    """Model field values of an item row, and the errors of cells that cannot be converted."""
    fields: dict = {}
    errors: dict[str, list[str]] = {}
    for name in ("sku", "name", "kind", "unit", "external_id", "description"):
        if name in cells:
            fields[name] = cells[name]
    _convert(cells, fields, errors, "price", _decimal)
    _convert(cells, fields, errors, "vat_rate", _vat_rate)
    _convert(cells, fields, errors, "in_stock", _boolean)
    _convert(cells, fields, errors, "is_active", _boolean)
    _convert(cells, fields, errors, "category", lambda slug: _category(slug, categories))
    return fields, errors


def item_attributes(text: str) -> dict[str, str]:
    """The attribute values of an `attributes` cell: "material=Дуб|width=120 см"."""
    values: dict[str, str] = {}
    for part in text.split(LIST_SEPARATOR):
        if not part.strip():
            continue
        code, equals, value = part.partition("=")
        code = code.strip()
        if not equals or not code:
            raise ValueError(
                _("Write each characteristic as code=value, not “%(part)s”.")
                % {"part": part.strip()}
            )
        if code in values:
            raise ValueError(_("“%(code)s” is given twice.") % {"code": code})
        values[code] = value.strip()
    return values


def category_fields(cells: dict[str, str]) -> tuple[dict, dict[str, list[str]]]:
    fields: dict = {name: cells[name] for name in ("slug", "name", "description") if name in cells}
    errors: dict[str, list[str]] = {}
    _convert(cells, fields, errors, "is_active", _boolean)
    return fields, errors


def form_field_owner(
    cells: dict[str, str], categories: dict[str, Category], items: dict[str, Item]
) -> tuple[Category | None, Item | None, dict[str, list[str]]]:
    """The category or the item a form field row belongs to: exactly one must be named."""
    slug, sku = cells.get("category", ""), cells.get("item", "")
    if slug and sku:
        return None, None, {"item": [_("Give a category or an item, not both.")]}
    if not slug and not sku:
        return None, None, {"category": [_("Give the slug of a category or the SKU of an item.")]}
    if slug:
        if slug in categories:
            return categories[slug], None, {}
        return None, None, {"category": [_("No category with slug “%(slug)s”.") % {"slug": slug}]}
    if sku in items:
        return None, items[sku], {}
    return None, None, {"item": [_("No item with SKU “%(sku)s”.") % {"sku": sku}]}


def form_field_fields(cells: dict[str, str]) -> tuple[dict, dict[str, list[str]]]:
    """Model field values of a form field row, its owner and name (the key) left out."""
    fields: dict = {
        name: cells[name] for name in ("label", "field_type", "help_text") if name in cells
    }
    errors: dict[str, list[str]] = {}
    _convert(cells, fields, errors, "choices", split_list)
    _convert(cells, fields, errors, "required", _boolean)
    _convert(cells, fields, errors, "position", _whole_number)
    return fields, errors


def offer_fields(
    cells: dict[str, str], categories: dict[str, Category]
) -> tuple[dict, dict[str, list[str]]]:
    """Model field values of an offer row, its code (the key) and items left out."""
    fields: dict = {name: cells[name] for name in ("title", "description") if name in cells}
    errors: dict[str, list[str]] = {}
    _convert(cells, fields, errors, "discount_percent", _decimal)
    _convert(cells, fields, errors, "starts_on", _date)
    _convert(cells, fields, errors, "ends_on", _date)
    _convert(cells, fields, errors, "is_active", _boolean)
    _convert(cells, fields, errors, "category", lambda slug: _category(slug, categories))
    return fields, errors


def offer_items(text: str, items: dict[str, Item]) -> list[Item]:
    """The items of an `items` cell ("SOFA-1|TABLE-2"), raising ValueError naming unknown SKUs."""
    skus = list(dict.fromkeys(split_list(text)))
    unknown = [sku for sku in skus if sku not in items]
    if unknown:
        raise ValueError(_("No items with SKUs: %(skus)s.") % {"skus": ", ".join(unknown)})
    return [items[sku] for sku in skus]


def split_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(LIST_SEPARATOR) if part.strip()]


def _convert(cells, fields: dict, errors: dict, name: str, convert: Callable) -> None:
    if name in cells:
        try:
            fields[name] = convert(cells[name])
        except ValueError as error:
            errors[name] = [str(error)]


def _category(slug: str, categories: dict[str, Category]) -> Category | None:
    if not slug:
        return None
    if slug not in categories:
        raise ValueError(_("No category with slug “%(slug)s”.") % {"slug": slug})
    return categories[slug]


def _decimal(text: str) -> Decimal:
    # Excel in Russian writes thousands with (narrow) no-break spaces and a decimal comma.
    cleaned = "".join(text.split()).replace("\u202f", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise ValueError(_("Enter a number, e.g. 1234,50."))
    return value


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ValueError(_("Enter a whole number, e.g. 3.")) from None


def _date(text: str) -> date | None:
    if not text:
        return None
    for date_format in DATE_FORMATS:
        try:
            # A calendar day, not a moment: no time zone is involved.
            return datetime.strptime(text, date_format).date()  # noqa: DTZ007
        except ValueError:
            continue
    raise ValueError(_("Enter a date as 2026-12-31 or 31.12.2026."))


def _vat_rate(text: str) -> int:
    word = text.casefold().removesuffix("%").strip()
    if word in {NO_VAT, "без ндс", "-1"}:
        return Item.VatRate.NONE
    if word.isdigit():
        return int(word)
    raise ValueError(_("Enter 0, 10, 20, 22 or “none”."))


def _boolean(text: str) -> bool:
    word = text.casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(_("Enter 1 or 0."))


# Writing


def csv_text(rows: Iterable[list[str]]) -> str:
    """The file's text, byte order mark first, every formula-like cell made text."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator="\r\n")
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return buffer.getvalue()


def neutralise(cell: str) -> str:
    return f"'{cell}" if cell.startswith(FORMULA_TRIGGERS) else cell


def item_export_rows() -> Iterator[list[str]]:
    yield [column.name for column in ITEM_COLUMNS]
    items = (
        Item.objects.select_related("category")
        .prefetch_related(attribute_values_prefetch())
        .order_by("sku")
    )
    for item in items.iterator(chunk_size=2000):
        yield [
            item.sku,
            item.name,
            item.kind,
            item.category.slug if item.category_id else "",
            f"{item.price:.2f}".replace(".", ","),
            NO_VAT if item.vat_rate == Item.VatRate.NONE else str(item.vat_rate),
            item.unit,
            _flag(item.in_stock),
            _flag(item.is_active),
            item.external_id,
            item.description,
            LIST_SEPARATOR.join(
                f"{entry.attribute.code}={entry.value}" for entry in item.attribute_values.all()
            ),
        ]


def category_export_rows() -> Iterator[list[str]]:
    """Tree order, so each parent comes before its children, as the import needs."""
    yield [column.name for column in CATEGORY_COLUMNS]
    slugs_by_path: dict[str, str] = {}
    for category in Category.objects.order_by("path").iterator(chunk_size=2000):
        slugs_by_path[category.path] = category.slug
        yield [
            category.slug,
            category.name,
            slugs_by_path.get(category.path[: -Category.steplen], ""),
            _flag(category.is_active),
            category.description,
        ]


def _flag(value: bool) -> str:
    return "1" if value else "0"


def form_field_export_rows() -> Iterator[list[str]]:
    """Categories' fields first in tree order, then items' by SKU, each in form order."""
    yield [column.name for column in FORM_FIELD_COLUMNS]
    fields = OrderFormField.objects.select_related("category", "item").order_by(
        F("item__sku").asc(nulls_first=True), "category__path", "position", "name"
    )
    for form_field in fields.iterator(chunk_size=2000):
        yield [
            form_field.category.slug if form_field.category_id else "",
            form_field.item.sku if form_field.item_id else "",
            form_field.name,
            form_field.label,
            form_field.field_type,
            LIST_SEPARATOR.join(form_field.choices),
            _flag(form_field.required),
            form_field.help_text,
            str(form_field.position),
        ]


def offer_export_rows() -> Iterator[list[str]]:
    yield [column.name for column in OFFER_COLUMNS]
    offers = (
        SpecialOffer.objects.select_related("category")
        .prefetch_related(Prefetch("items", queryset=Item.objects.only("sku").order_by("sku")))
        .order_by("code")
    )
    for offer in offers.iterator(chunk_size=2000):
        yield [
            offer.code,
            offer.title,
            f"{offer.discount_percent:.2f}".replace(".", ","),
            offer.starts_on.isoformat(),
            offer.ends_on.isoformat() if offer.ends_on else "",
            offer.category.slug if offer.category_id else "",
            LIST_SEPARATOR.join(item.sku for item in offer.items.all()),
            _flag(offer.is_active),
            offer.description,
        ]
