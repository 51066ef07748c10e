"""CSV import and export of the catalog: upload, preview (a dry run) and apply, all or nothing.

The rows are run by the kind's resource (`catalog.resources`), which writes them through
`catalog.services`. The preview is django-import-export's dry run: the very same writes
inside a transaction it rolls back, so what it reports is what "Apply" would do,
including clashes with rows elsewhere in the file or with existing data.

Exported files are UTF-8 with a byte order mark (without it Excel reads them as the
local ANSI code page and garbles Cyrillic) with `;` between cells and a decimal comma:
Excel with Russian regional settings uses "," as its decimal separator and therefore ";"
as its list separator, so a double-clicked file opens in columns. Uploads are read
leniently: UTF-8 or Windows-1251 (what "CSV" means in a Russian Excel), ";" or ",".
"""

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

import tablib
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export.results import RowResult as LibraryRowResult

from catalog.models import CatalogImport
from catalog.resources import RESOURCES, CatalogResource
from core.errors import DomainError

CREATE, UPDATE, UNCHANGED, REJECTED = "create", "update", "unchanged", "rejected"
ACTIONS = {
    LibraryRowResult.IMPORT_TYPE_NEW: CREATE,
    LibraryRowResult.IMPORT_TYPE_UPDATE: UPDATE,
    LibraryRowResult.IMPORT_TYPE_SKIP: UNCHANGED,
    LibraryRowResult.IMPORT_TYPE_INVALID: REJECTED,
}
DELIMITER = ";"
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection); an
# apostrophe in front makes it text, and reading the file back removes that apostrophe.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Long enough to come back to a preview after a weekend, short enough not to keep files.
UNAPPLIED_LIFETIME = timedelta(days=7)


class CatalogImportError(DomainError):
    pass


class CsvFileError(Exception):
    """The file as a whole cannot be read: encoding, header or CSV syntax."""


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


@dataclass
class CsvFile:
    """An upload read for its resource: every column of the kind (None for a cell the file
    does not have), the line each row starts on, and the errors found while reading it."""

    dataset: tablib.Dataset
    lines: list[int]
    row_errors: list[dict[str, list[str]]]


def columns(kind: str):
    return RESOURCES[kind].columns()


def catalog_import_upload(*, kind: str, file_name: str, data: bytes, by) -> CatalogImport:
    """Keep an uploaded file for its preview; raises CsvFileError for an unreadable one.

    The header is checked now, so a file with wrong columns is refused at once.
    """
    text = decode_upload(data)
    read_csv(text, kind)
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


def catalog_export_csv(kind: str) -> str:
    """The file of every object of the kind, as the import reads it back unchanged."""
    resource = RESOURCES[kind]()
    dataset = resource.export(resource.get_export_queryset())
    return csv_text([dataset.headers, *dataset])


def _run(catalog_import: CatalogImport, *, by, apply: bool) -> ImportReport:
    csv_file = read_csv(catalog_import.content, catalog_import.kind)
    resource = RESOURCES[catalog_import.kind](
        by=by, lines=csv_file.lines, row_errors=csv_file.row_errors
    )
    result = resource.import_data(
        csv_file.dataset,
        dry_run=not apply,
        use_transactions=True,
        collect_failed_rows=True,
        rollback_on_validation_errors=True,
    )
    if result.base_errors:
        raise result.base_errors[0].error
    return ImportReport(
        [
            _row_result(resource, line, row, row_result)
            for line, row, row_result in zip(
                csv_file.lines, csv_file.dataset.dict, result.rows, strict=True
            )
        ]
    )


def _row_result(resource: CatalogResource, line: int, row: dict, row_result) -> RowResult:
    if row_result.errors:
        # Not a refused row but a fault: it is not the user's to fix.
        raise row_result.errors[0].error
    errors = {}
    if row_result.validation_error is not None:
        error = row_result.validation_error
        errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    return RowResult(line, resource.row_key(row), ACTIONS[row_result.import_type], errors)


# The file


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


def read_csv(text: str, kind: str) -> CsvFile:
    """The rows for the kind's resource; raises CsvFileError naming what is wrong.

    Read here rather than by tablib: the preview names each row by the line it starts on
    (a quoted cell may span lines), blank lines are skipped, and a short row leaves the
    values of its missing cells as they are.
    """
    known = [column.column_name for column in columns(kind)]
    first_line = text.split("\n", 1)[0]
    delimiter = DELIMITER if DELIMITER in first_line or "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    csv_file = CsvFile(tablib.Dataset(headers=known), [], [])
    try:
        header = next(reader, None)
        if not header:
            raise CsvFileError(_("The file is empty."))
        names = [name.strip().lower() for name in header]
        _check_header(names, kind)
        last_line = reader.line_num
        for record in reader:
            # A quoted cell may span lines: a row starts after the previous one ended.
            line, last_line = last_line + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            errors = {}
            if len(record) > len(names) and any(cell.strip() for cell in record[len(names) :]):
                errors["__all__"] = [
                    _("The row has %(cells)s cells, the header names %(columns)s.")
                    % {"cells": len(record), "columns": len(names)}
                ]
            cells = {
                name: _cell_value(cell) for name, cell in zip(names, record, strict=False) if name
            }
            csv_file.dataset.append([cells.get(name) for name in known])
            csv_file.lines.append(line)
            csv_file.row_errors.append(errors)
    except csv.Error as error:
        raise CsvFileError(
            _("Line %(line)s cannot be read: %(error)s") % {"line": reader.line_num, "error": error}
        ) from error
    return csv_file


def _check_header(names: list[str], kind: str) -> None:
    known = [column.column_name for column in columns(kind)]
    problems = []
    missing = [
        column.name for column in columns(kind) if column.required and column.name not in names
    ]
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


def csv_text(rows) -> str:
    """The file's text, byte order mark first, every formula-like cell made text.

    The library's own escaping (IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT) drops the "=",
    which changes the value; an apostrophe keeps it, and the import removes it again.
    """
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator="\r\n")
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return buffer.getvalue()


def neutralise(cell: str) -> str:
    return f"'{cell}" if cell.startswith(FORMULA_TRIGGERS) else cell
