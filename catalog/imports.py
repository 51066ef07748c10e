"""CSV import of the catalog: upload, preview (a dry run) and apply, all or nothing.

Rows are written through the same services as the API and the admin (`catalog.services`),
so a row is validated exactly as there. The preview runs the very same writes inside a
transaction it rolls back: what it reports is what "Apply" would do, including clashes
with rows elsewhere in the file or with existing data.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.csv_io import (
    CsvRow,
    category_fields,
    decode_upload,
    form_field_fields,
    form_field_owner,
    item_attributes,
    item_fields,
    offer_fields,
    offer_items,
    read_rows,
    split_list,
)
from catalog.models import CatalogImport, Category, Item, OrderFormField, SpecialOffer
from catalog.selectors import attribute_values_prefetch
from catalog.services import (
    category_create,
    category_update,
    item_create,
    item_update,
    order_form_field_upsert,
    special_offer_upsert,
)
from core.errors import DomainError

CREATE, UPDATE, UNCHANGED, REJECTED = "create", "update", "unchanged", "rejected"
# Long enough to come back to a preview after a weekend, short enough not to keep files.
UNAPPLIED_LIFETIME = timedelta(days=7)


class CatalogImportError(DomainError):
    pass


@dataclass
class RowResult:
    line: int
    key: str
    action: str
    errors: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class ImportReport:
    results: list[RowResult] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(result.action for result in self.results)
        return {action: counted[action] for action in (CREATE, UPDATE, UNCHANGED, REJECTED)}

    def of(self, action: str) -> list[RowResult]:
        return [result for result in self.results if result.action == action]

    @property
    def rejected(self) -> list[RowResult]:
        return self.of(REJECTED)


def catalog_import_upload(*, kind: str, file_name: str, data: bytes, by) -> CatalogImport:
    """Keep an uploaded file for its preview; raises CsvFileError for an unreadable one.

    The header is checked now, so a file with wrong columns is refused at once.
    """
    text = decode_upload(data)
    read_rows(text, kind)
    return CatalogImport.objects.create(
        kind=kind, file_name=file_name[:255], content=text, uploaded_by=by
    )


def catalog_import_preview(*, catalog_import: CatalogImport) -> ImportReport:
    return _run(catalog_import, by=catalog_import.uploaded_by, apply=False)


def catalog_import_apply(*, catalog_import: CatalogImport, by) -> ImportReport:
    """Write every row in one transaction, or none when any row is rejected.

    The import row is locked first, so a double-clicked "Apply" runs once; the second
    gets CatalogImportError. `applied_at` and the counts are saved only on success.
    """
    with transaction.atomic():
        locked = CatalogImport.objects.select_for_update().get(pk=catalog_import.pk)
        if locked.applied_at is not None:
            raise CatalogImportError(_("This file has already been applied."))
        report = _run(locked, by=by, apply=True)
        if not report.rejected:
            locked.applied_at = timezone.now()
            locked.summary = report.counts
            locked.save(update_fields=["applied_at", "summary"])
    return report


def catalog_imports_purge(*, older_than: timedelta = UNAPPLIED_LIFETIME) -> int:
    """Delete uploads never applied and older than `older_than`; returns how many.

    Applied ones stay: they record who changed the catalog from which file.
    """
    deleted, _by_model = CatalogImport.objects.filter(
        applied_at__isnull=True, created_at__lt=timezone.now() - older_than
    ).delete()
    return deleted


def _run(catalog_import: CatalogImport, *, by, apply: bool) -> ImportReport:
    rows = read_rows(catalog_import.content, catalog_import.kind)
    run = _IMPORTERS[catalog_import.kind]
    with transaction.atomic():
        report = run(rows, by=by)
        if not apply or report.rejected:
            transaction.set_rollback(True)
    return report


def _import_items(rows: list[CsvRow], *, by) -> ImportReport:
    report = ImportReport()
    categories = {category.slug: category for category in Category.objects.all()}
    existing = Item.objects.prefetch_related(attribute_values_prefetch()).in_bulk(
        [row.cells["sku"] for row in rows if row.cells.get("sku")], field_name="sku"
    )
    first_lines: dict[str, int] = {}
    for row in rows:
        sku = row.cells.get("sku", "")
        fields, errors = item_fields(row.cells, categories)
        errors = {**row.errors, **errors}
        attributes = None
        if "attributes" in row.cells:
            try:
                attributes = item_attributes(row.cells["attributes"])
            except ValueError as error:
                errors["attributes"] = [str(error)]
        _check_repeated(
            first_lines, sku, row, errors, "sku", _("This SKU is already on line %(line)s.")
        )
        item = existing.get(sku)
        report.results.append(
            _row_result(
                row,
                sku,
                errors,
                exists=item is not None,
                unchanged=lambda item=item, fields=fields, attributes=attributes: (
                    _unchanged(item, fields)
                    and (attributes is None or _attributes_of(item) == _set_values(attributes))
                ),
                write=lambda item=item, fields=fields, attributes=attributes: (
                    item_create(fields=fields, attributes=attributes, by=by)
                    if item is None
                    else item_update(item=item, fields=fields, attributes=attributes, by=by)
                ),
            )
        )
    return report


def _import_categories(rows: list[CsvRow], *, by) -> ImportReport:
    report = ImportReport()
    first_lines: dict[str, int] = {}
    for row in rows:
        slug = row.cells.get("slug", "")
        fields, errors = category_fields(row.cells)
        errors = {**row.errors, **errors}
        _check_repeated(
            first_lines, slug, row, errors, "slug", _("This slug is already on line %(line)s.")
        )
        # Read afresh on every row: moving a category rewrites the paths of its subtree.
        category = Category.objects.filter(slug=slug).first() if slug else None
        parent = _current_parent(category)
        parent_slug = row.cells.get("parent")
        if parent_slug == "":
            parent = None
        elif parent_slug is not None:
            parent = Category.objects.filter(slug=parent_slug).first()
            if parent is None:
                errors["parent"] = [
                    _("No category with slug “%(slug)s” above this row.") % {"slug": parent_slug}
                ]
        report.results.append(
            _row_result(
                row,
                slug,
                errors,
                exists=category is not None,
                unchanged=lambda category=category, fields=fields, parent=parent: (
                    _unchanged(category, fields)
                    and _path_of(parent) == category.path[: -Category.steplen]
                ),
                write=lambda category=category, fields=fields, parent=parent: (
                    category_create(fields=fields, parent=parent, by=by)
                    if category is None
                    else category_update(category=category, fields=fields, parent=parent, by=by)
                ),
            )
        )
    return report


def _import_form_fields(rows: list[CsvRow], *, by) -> ImportReport:
    report = ImportReport()
    categories = {category.slug: category for category in Category.objects.all()}
    items = Item.objects.in_bulk(
        [row.cells["item"] for row in rows if row.cells.get("item")], field_name="sku"
    )
    existing = {
        (form_field.category_id, form_field.item_id, form_field.name): form_field
        for form_field in OrderFormField.objects.filter(
            name__in=[row.cells.get("name", "") for row in rows]
        )
    }
    first_lines: dict[tuple, int] = {}
    for row in rows:
        name = row.cells.get("name", "")
        label = "/".join(
            part for part in (row.cells.get("category") or row.cells.get("item"), name) if part
        )
        category, item, errors = form_field_owner(row.cells, categories, items)
        fields, field_errors = form_field_fields(row.cells)
        errors = {**row.errors, **errors, **field_errors}
        key = (category.pk if category else None, item.pk if item else None, name)
        _check_repeated(
            first_lines,
            key if (category or item) and name else None,
            row,
            errors,
            "name",
            _("This field is already on line %(line)s."),
        )
        form_field = existing.get(key)
        report.results.append(
            _row_result(
                row,
                label,
                errors,
                exists=form_field is not None,
                unchanged=lambda form_field=form_field, fields=fields: _unchanged(
                    form_field, fields
                ),
                write=lambda category=category, item=item, name=name, fields=fields: (
                    order_form_field_upsert(
                        category=category, item=item, name=name, fields=fields, by=by
                    )
                ),
            )
        )
    return report


def _import_offers(rows: list[CsvRow], *, by) -> ImportReport:
    report = ImportReport()
    categories = {category.slug: category for category in Category.objects.all()}
    items = Item.objects.in_bulk(
        [sku for row in rows for sku in split_list(row.cells.get("items", ""))], field_name="sku"
    )
    existing = SpecialOffer.objects.prefetch_related("items").in_bulk(
        [row.cells["code"] for row in rows if row.cells.get("code")], field_name="code"
    )
    first_lines: dict[str, int] = {}
    for row in rows:
        code = row.cells.get("code", "")
        fields, errors = offer_fields(row.cells, categories)
        errors = {**row.errors, **errors}
        offer_item_list = None
        if "items" in row.cells:
            try:
                offer_item_list = offer_items(row.cells["items"], items)
            except ValueError as error:
                errors["items"] = [str(error)]
        _check_repeated(
            first_lines, code, row, errors, "code", _("This code is already on line %(line)s.")
        )
        offer = existing.get(code)
        report.results.append(
            _row_result(
                row,
                code,
                errors,
                exists=offer is not None,
                unchanged=lambda offer=offer, fields=fields, offer_item_list=offer_item_list: (
                    _unchanged(offer, fields)
                    and (offer_item_list is None or _same_items(offer, offer_item_list))
                ),
                write=lambda code=code, fields=fields, offer_item_list=offer_item_list: (
                    special_offer_upsert(code=code, fields=fields, items=offer_item_list, by=by)
                ),
            )
        )
    return report


def _check_repeated(first_lines: dict, key, row: CsvRow, errors: dict, column: str, message):
    """Refuse a row whose key an earlier row of the file had: the file would contradict
    itself. An empty key is left for the row's own checks to name."""
    if not key:
        return
    if key in first_lines:
        errors[column] = [message % {"line": first_lines[key]}]
    else:
        first_lines[key] = row.line


def _row_result(
    row: CsvRow,
    key: str,
    errors: dict,
    *,
    exists: bool,
    unchanged: Callable[[], bool],
    write: Callable,
) -> RowResult:
    """What one row comes to: rejected with its errors, unchanged (an existing object
    already as the row says), or written, as a create or an update."""
    if errors:
        return RowResult(row.line, key, REJECTED, errors)
    if exists and unchanged():
        return RowResult(row.line, key, UNCHANGED)
    return _write(row, key, write, UPDATE if exists else CREATE)


def _write(row: CsvRow, key: str, write: Callable, action: str) -> RowResult:
    try:
        # A savepoint per row: a refused row leaves nothing of itself behind, and the
        # rows after it are still checked, so the preview lists every problem at once.
        with transaction.atomic():
            write()
    except ValidationError as error:
        errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        return RowResult(row.line, key, REJECTED, errors)
    except IntegrityError:
        return RowResult(
            row.line, key, REJECTED, {"__all__": [_("Conflicts with data already stored.")]}
        )
    return RowResult(row.line, key, action)


def _unchanged(instance, fields: dict) -> bool:
    for name, value in fields.items():
        if name == "category":
            if instance.category_id != (value.pk if value else None):
                return False
        elif getattr(instance, name) != value:
            return False
    return True


def _attributes_of(item: Item) -> dict[str, str]:
    return {entry.attribute.code: entry.value for entry in item.attribute_values.all()}


def _set_values(attributes: dict[str, str]) -> dict[str, str]:
    # An empty value removes the attribute, so it compares equal to its absence.
    return {code: value for code, value in attributes.items() if value}


def _same_items(offer: SpecialOffer, items: list[Item]) -> bool:
    return {item.pk for item in offer.items.all()} == {item.pk for item in items}


def _current_parent(category: Category | None) -> Category | None:
    if category is None or category.depth <= 1:
        return None
    return Category.objects.get(path=category.path[: -Category.steplen])


def _path_of(category: Category | None) -> str:
    return category.path if category is not None else ""


_IMPORTERS = {
    CatalogImport.Kind.ITEMS: _import_items,
    CatalogImport.Kind.CATEGORIES: _import_categories,
    CatalogImport.Kind.FORM_FIELDS: _import_form_fields,
    CatalogImport.Kind.OFFERS: _import_offers,
}
