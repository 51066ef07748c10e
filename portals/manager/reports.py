"""Reports of the manager portal: read-only pages and CSV downloads, nothing here writes."""

import csv
from decimal import Decimal

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.portals import MANAGER_PORTAL_PERMISSION
from portals.manager.forms import ReportPeriodForm
from portals.manager.report_tables import (
    FEEDBACK_TABLES,
    TABLES,
    TABLES_BY_SLUG,
    fetch_tables,
    render_table,
)

# Managers, the director and administrators see the whole process (they may read the
# workflow configuration); warehouse and courier staff see only their own steps, and
# revenue is none of their business.
REPORTS_PERMISSIONS = (
    MANAGER_PORTAL_PERMISSION,
    "orders.view_all_orders",
    "orders.view_workflow",
)
# A spreadsheet would run a cell starting with these as a formula (CSV injection);
# cancellation reasons are typed by clients.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

reports_access = permission_required(REPORTS_PERMISSIONS, raise_exception=True)


def user_may_view_reports(user) -> bool:
    return user.is_authenticated and user.has_perms(REPORTS_PERMISSIONS)


def _period_query(period) -> str:
    return f"date_from={period.date_from.isoformat()}&date_to={period.date_to.isoformat()}"


@require_GET
@login_required
@reports_access
def reports(request):
    form = ReportPeriodForm(request.GET or None)
    period = form.period()
    tables = [
        render_table(table, rows)
        for table, rows in fetch_tables(TABLES, user=request.user, period=period)
    ]
    feedback_tables = [
        render_table(table, rows)
        for table, rows in fetch_tables(FEEDBACK_TABLES, user=request.user, period=period)
    ]
    return render(
        request,
        "portals/manager/reports.html",
        {
            "form": form,
            "period": period,
            "period_query": _period_query(period),
            "tables": tables,
            "feedback_tables": feedback_tables,
        },
    )


def _csv_value(value) -> object:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


@require_GET
@login_required
@reports_access
def report_export(request, table):
    spec = TABLES_BY_SLUG.get(table)
    if spec is None:
        raise Http404("No such report")
    period = ReportPeriodForm(request.GET or None).period()
    [(_table, rows)] = fetch_tables([spec], user=request.user, period=period)
    filename = f"{spec.slug}_{period.date_from.isoformat()}_{period.date_to.isoformat()}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # The byte order mark makes Excel read the file as UTF-8 (Cyrillic labels and reasons).
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([str(column.header) for column in spec.columns])
    for row in rows:
        writer.writerow([_csv_value(column.csv(row)) for column in spec.columns])
    return response
