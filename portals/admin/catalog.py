"""Catalog CSV files in the admin portal: export, then upload, preview and apply an import."""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from catalog.imports import (
    CREATE,
    MAX_UPLOAD_BYTES,
    REJECTED,
    UPDATE,
    CatalogImportError,
    CsvFileError,
    ImportReport,
    catalog_export_csv,
    catalog_import_apply,
    catalog_import_preview,
    catalog_import_upload,
    columns,
)
from catalog.models import CatalogImport
from core.portals import ADMIN_PORTAL_PERMISSION

# The portal first; what else is needed depends on the kind of file (`CatalogFile`).
catalog_portal = permission_required(ADMIN_PORTAL_PERMISSION, raise_exception=True)
CHANGES = (CREATE, UPDATE)


@dataclass(frozen=True)
class CatalogFile:
    """One kind of CSV file: the model it writes, and how the page offers it."""

    kind: str
    model: str
    export_label: str
    columns_title: str

    @property
    def columns(self):
        return columns(self.kind)

    def may_export(self, user) -> bool:
        return user.has_perm(f"catalog.view_{self.model}")

    def may_import(self, user) -> bool:
        return user.has_perms((f"catalog.add_{self.model}", f"catalog.change_{self.model}"))


FILES = {
    catalog_file.kind: catalog_file
    for catalog_file in (
        CatalogFile(
            CatalogImport.Kind.ITEMS,
            "item",
            gettext_lazy("Items (CSV)"),
            gettext_lazy("Columns of the items file"),
        ),
        CatalogFile(
            CatalogImport.Kind.CATEGORIES,
            "category",
            gettext_lazy("Categories (CSV)"),
            gettext_lazy("Columns of the categories file"),
        ),
        CatalogFile(
            CatalogImport.Kind.FORM_FIELDS,
            "orderformfield",
            gettext_lazy("Order form fields (CSV)"),
            gettext_lazy("Columns of the order form fields file"),
        ),
        CatalogFile(
            CatalogImport.Kind.OFFERS,
            "specialoffer",
            gettext_lazy("Special offers (CSV)"),
            gettext_lazy("Columns of the special offers file"),
        ),
    )
}


def _importable(user) -> list[CatalogFile]:
    return [catalog_file for catalog_file in FILES.values() if catalog_file.may_import(user)]


class CatalogUploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What the file holds"))
    file = forms.FileField(label=gettext_lazy("CSV file"))

    def __init__(self, *args, files_offered: list[CatalogFile], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (catalog_file.kind, CatalogImport.Kind(catalog_file.kind).label)
            for catalog_file in files_offered
        ]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s; split it into several.")
                % {"size": filesizeformat(MAX_UPLOAD_BYTES)}
            )
        return upload


@require_GET
@login_required
@catalog_portal
def catalog_export(request, kind):
    if kind not in FILES:
        raise Http404(kind)
    if not FILES[kind].may_export(request.user):
        raise PermissionDenied
    response = HttpResponse(catalog_export_csv(kind), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}.csv"'
    return response


@require_http_methods(["GET", "POST"])
@login_required
@catalog_portal
def catalog_csv(request):
    """The import page: the upload form, the columns of each file and the export links.

    It offers the kinds of file the user may import; a user who may import none gets 403.
    """
    importable = _importable(request.user)
    if not importable:
        raise PermissionDenied
    form = CatalogUploadForm(request.POST or None, request.FILES or None, files_offered=importable)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            catalog_import = catalog_import_upload(
                kind=form.cleaned_data["kind"],
                file_name=upload.name,
                data=upload.read(),
                by=request.user,
            )
        except CsvFileError as error:
            form.add_error("file", str(error))
        else:
            return redirect("portals_admin:catalog_import_preview", pk=catalog_import.pk)
    recent = CatalogImport.objects.filter(applied_at__isnull=False).select_related("uploaded_by")
    return render(
        request,
        "portals/admin/catalog_csv.html",
        {
            "form": form,
            "importable": importable,
            "exportable": [
                catalog_file
                for catalog_file in FILES.values()
                if catalog_file.may_export(request.user)
            ],
            "recent": recent[:10],
        },
    )


@require_GET
@login_required
@catalog_portal
def catalog_import_preview_page(request, pk):
    catalog_import = _own_import(request, pk)
    report = (
        None if catalog_import.applied_at else catalog_import_preview(catalog_import=catalog_import)
    )
    return _render_preview(request, catalog_import, report)


@require_POST
@login_required
@catalog_portal
def catalog_import_apply_view(request, pk):
    catalog_import = _own_import(request, pk)
    try:
        report = catalog_import_apply(catalog_import=catalog_import, by=request.user)
    except (CatalogImportError, CsvFileError) as error:
        messages.error(request, str(error))
        return redirect("portals_admin:catalog_import_preview", pk=pk)
    if report.rejected:
        messages.error(request, _("Some rows are rejected, so nothing was changed."))
        return _render_preview(request, catalog_import, report, status=422)
    counts = report.counts
    messages.success(
        request,
        _("Import applied: %(create)s created, %(update)s updated, %(unchanged)s unchanged.")
        % counts,
    )
    return redirect("portals_admin:catalog_csv")


def _own_import(request, pk) -> CatalogImport:
    # An upload is its uploader's until applied: another admin uploads their own file.
    catalog_import = get_object_or_404(CatalogImport, pk=pk, uploaded_by=request.user)
    # Checked again here: permissions may have been taken away since the upload.
    if not FILES[catalog_import.kind].may_import(request.user):
        raise PermissionDenied
    return catalog_import


def _render_preview(request, catalog_import, report: ImportReport | None, status=200):
    rejected = [
        {
            "line": result.line,
            "key": result.key,
            "errors": [
                (_("row") if column == "__all__" else column, column_messages)
                for column, column_messages in result.errors.items()
            ],
        }
        for result in (report.of(REJECTED) if report else [])
    ]
    return render(
        request,
        "portals/admin/catalog_import_preview.html",
        {
            "catalog_import": catalog_import,
            "report": report,
            "counts": report.counts if report else catalog_import.summary,
            "rejected": rejected,
            # The first rows only: a long list helps nobody, the counts say the rest.
            "changes": [
                result for result in (report.results if report else []) if result.action in CHANGES
            ][:500],
        },
        status=status,
    )
