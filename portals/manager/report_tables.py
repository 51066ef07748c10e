"""The reports as tables: one definition per table serves the page, its chart and its CSV,
so the three never disagree about what a column means."""

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from conversations.reports import (
    report_feedback_by_category,
    report_feedback_by_kind,
    report_feedback_by_manager,
    report_feedback_by_month,
    report_low_ratings,
)
from orders.reports import (
    funnel_rows,
    report_data_version,
    report_lost_by_reason,
    report_revenue_figures,
    report_stage_figures,
    revenue_by_manager_rows,
    revenue_by_month_rows,
    stage_time_rows,
)
from orders.selectors import order_scope_for_user
from portals.charts import BarChart, bar_chart

SECONDS_PER_HOUR = Decimal(3600)
# The orders' tables are cached per period and per scope of the reader (`fetch_tables`).
# Figures read less than FRESH_SECONDS ago serve a reload whatever changed meanwhile (on a
# busy day every minute brings order events); older ones serve while no order event was
# written since they were read, up to CACHE_SECONDS.
FRESH_SECONDS = 60
CACHE_SECONDS = 600


def format_duration(value: timedelta) -> str:
    minutes = int(value.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d min") % {"minutes": minutes}


def hours(value: timedelta) -> Decimal:
    return (Decimal(value.total_seconds()) / SECONDS_PER_HOUR).quantize(Decimal("0.01"))


def format_money(value: Decimal) -> str:
    return number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)


def format_percent(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return number_format(value, decimal_pos=1, use_l10n=True)


def _reason(row) -> str:
    return row.reason or _("No reason given")


def _manager(row) -> str:
    return row.manager_name or _("Unassigned")


def _with_currency(label: str, currency: str, rows) -> str:
    several = len({row.currency for row in rows}) > 1
    return f"{label}, {currency}" if several else label


@dataclass(frozen=True)
class Column:
    header: Any
    csv: Callable[[Any], object]
    html: Callable[[Any], str] | None = None
    numeric: bool = False
    # The page's link of a cell (an order's page); the CSV keeps the text.
    link: Callable[[Any], str] | None = None
    # The page's header where its cells read otherwise than the CSV's ("2 h 5 min", not
    # hours as a number).
    page_header: Any = None

    def display(self, row) -> str:
        return self.html(row) if self.html is not None else str(self.csv(row))


@dataclass(frozen=True)
class ReportTable:
    slug: str
    title: Any
    note: Any
    fetch: Callable[..., list]
    columns: tuple[Column, ...]
    # (label, value, value as shown) per bar; None: no chart for this table.
    chart_items: Callable[[list], list[tuple[str, Any, str]]] | None = None
    # Figures of orders only, so an order event tells they may have changed (`fetch_tables`).
    cached: bool = False
    # Tables drawn from the same rows read them once: `source(user=, period=)` is read once
    # per `fetch_tables`, and `fetch` then takes what it read instead of the user and period.
    source: Callable[..., Any] | None = None

    def chart(self, rows: list) -> BarChart | None:
        if self.chart_items is None or not rows:
            return None
        return bar_chart(slug=self.slug, title=str(self.title), items=self.chart_items(rows))


def format_rating(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return number_format(value, decimal_pos=2, use_l10n=True)


def _feedback_columns(group_header) -> tuple[Column, ...]:
    return (
        Column(group_header, lambda row: row.label or _("Unassigned")),
        Column(gettext_lazy("Ratings"), lambda row: row.ratings, numeric=True),
        Column(
            gettext_lazy("Average rating"),
            lambda row: row.average,
            lambda row: format_rating(row.average),
            numeric=True,
        ),
        Column(gettext_lazy("Ratings of 1–2"), lambda row: row.low, numeric=True),
        Column(
            gettext_lazy("Share of 1–2, %"),
            lambda row: row.low_share,
            lambda row: format_percent(row.low_share),
            numeric=True,
        ),
    )


def _feedback_chart(rows) -> list[tuple[str, Any, str]]:
    return [(row.label or _("Unassigned"), row.average, format_rating(row.average)) for row in rows]


FEEDBACK_TABLES = (
    ReportTable(
        slug="feedback-by-month",
        title=gettext_lazy("Client ratings by month"),
        note=gettext_lazy(
            "Ratings (1 to 5) clients left in the period on their orders, by the month they "
            "were left, and for the whole period."
        ),
        fetch=report_feedback_by_month,
        columns=_feedback_columns(gettext_lazy("Month")),
    ),
    ReportTable(
        slug="feedback-by-manager",
        title=gettext_lazy("Client ratings by manager"),
        note=gettext_lazy(
            "Ratings left in the period, by the manager assigned to the order; lowest "
            "average first."
        ),
        fetch=report_feedback_by_manager,
        columns=_feedback_columns(gettext_lazy("Manager")),
        chart_items=_feedback_chart,
    ),
    ReportTable(
        slug="feedback-by-kind",
        title=gettext_lazy("Client ratings by order kind"),
        note=gettext_lazy("Ratings left in the period, by the kind of order."),
        fetch=report_feedback_by_kind,
        columns=_feedback_columns(gettext_lazy("Order kind")),
    ),
    ReportTable(
        slug="feedback-by-category",
        title=gettext_lazy("Client ratings by category"),
        note=gettext_lazy(
            "Ratings left in the period, by the catalog category of the order's lines: an "
            "order with items of several categories counts in each of them."
        ),
        fetch=report_feedback_by_category,
        columns=_feedback_columns(gettext_lazy("Category")),
        chart_items=_feedback_chart,
    ),
    ReportTable(
        slug="low-ratings",
        title=gettext_lazy("Low ratings and comments"),
        note=gettext_lazy(
            "Ratings of 1 or 2 left in the period, newest first, with the client's comment "
            "and the state of the manager's call-back task."
        ),
        fetch=report_low_ratings,
        columns=(
            Column(
                gettext_lazy("Left"),
                lambda row: row.left_at.isoformat(),
                lambda row: date_format(row.left_at, "SHORT_DATETIME_FORMAT"),
            ),
            Column(
                gettext_lazy("Order"),
                lambda row: row.order_number,
                link=lambda row: reverse("portals_manager:order_page", args=[row.order_id]),
            ),
            Column(gettext_lazy("Rating"), lambda row: row.rating, numeric=True),
            Column(gettext_lazy("Manager"), lambda row: row.manager_name or _("Unassigned")),
            Column(gettext_lazy("Comment"), lambda row: row.comment),
            Column(gettext_lazy("Follow-up"), lambda row: row.follow_up_status or "—"),
        ),
    ),
)

TABLES = (
    ReportTable(
        slug="funnel",
        title=gettext_lazy("Sales funnel"),
        note=gettext_lazy(
            "Sales orders created in the period that reached each stage. Conversion is the "
            "share of them that went on to a further stage (not cancelled, not sent back "
            "to the quote); stages an order type skips are not counted against it."
        ),
        source=report_stage_figures,
        fetch=funnel_rows,
        cached=True,
        columns=(
            Column(gettext_lazy("Stage"), lambda row: row.label),
            Column(gettext_lazy("Orders reached"), lambda row: row.reached, numeric=True),
            Column(
                gettext_lazy("Went on"),
                lambda row: row.moved_on,
                lambda row: "—" if row.moved_on is None else str(row.moved_on),
                numeric=True,
            ),
            Column(
                gettext_lazy("Share of requests, %"),
                lambda row: row.share_of_first,
                lambda row: format_percent(row.share_of_first),
                numeric=True,
            ),
            Column(
                gettext_lazy("Conversion to a further stage, %"),
                lambda row: row.conversion,
                lambda row: format_percent(row.conversion),
                numeric=True,
            ),
        ),
        chart_items=lambda rows: [(row.label, row.reached, str(row.reached)) for row in rows],
    ),
    ReportTable(
        slug="stage-times",
        title=gettext_lazy("Time in stage"),
        note=gettext_lazy(
            "Finished stays of the period's sales orders in each stage, from entering the "
            "stage to the next change of state; a stay still going on is not counted. "
            "The 90th percentile is the time within which nine stays in ten ended."
        ),
        source=report_stage_figures,
        fetch=stage_time_rows,
        cached=True,
        columns=(
            Column(gettext_lazy("Stage"), lambda row: row.label),
            Column(gettext_lazy("Stays"), lambda row: row.visits, numeric=True),
            Column(
                gettext_lazy("Average, hours"),
                lambda row: hours(row.average),
                lambda row: format_duration(row.average),
                numeric=True,
                page_header=gettext_lazy("Average"),
            ),
            Column(
                gettext_lazy("90th percentile, hours"),
                lambda row: hours(row.p90),
                lambda row: format_duration(row.p90),
                numeric=True,
                page_header=gettext_lazy("90th percentile"),
            ),
        ),
        chart_items=lambda rows: [
            (row.label, row.average.total_seconds(), format_duration(row.average)) for row in rows
        ],
    ),
    ReportTable(
        slug="lost",
        title=gettext_lazy("Orders lost"),
        note=gettext_lazy("Sales orders created in the period and cancelled, by the reason given."),
        fetch=report_lost_by_reason,
        cached=True,
        columns=(
            Column(gettext_lazy("Reason"), _reason),
            Column(gettext_lazy("Orders"), lambda row: row.orders, numeric=True),
            Column(
                gettext_lazy("Share, %"),
                lambda row: row.share,
                lambda row: format_percent(row.share),
                numeric=True,
            ),
        ),
        chart_items=lambda rows: [(_reason(row), row.orders, str(row.orders)) for row in rows],
    ),
    ReportTable(
        slug="revenue-by-month",
        title=gettext_lazy("Revenue by month"),
        note=gettext_lazy(
            "Revenue is the total of each sales order closed in the period (closed means "
            "delivered and fully paid), counted in the month it was closed. Payments of "
            "orders still open are not included."
        ),
        source=report_revenue_figures,
        fetch=revenue_by_month_rows,
        cached=True,
        columns=(
            Column(
                gettext_lazy("Month"),
                lambda row: row.month.strftime("%Y-%m"),
                lambda row: row.month.strftime("%m.%Y"),
            ),
            Column(gettext_lazy("Currency"), lambda row: row.currency),
            Column(gettext_lazy("Orders closed"), lambda row: row.orders, numeric=True),
            Column(
                gettext_lazy("Revenue"),
                lambda row: row.amount,
                lambda row: format_money(row.amount),
                numeric=True,
            ),
        ),
        chart_items=lambda rows: [
            (
                _with_currency(row.month.strftime("%m.%Y"), row.currency, rows),
                row.amount,
                f"{format_money(row.amount)} {row.currency}",
            )
            for row in rows
        ],
    ),
    ReportTable(
        slug="revenue-by-manager",
        title=gettext_lazy("Revenue by manager"),
        note=gettext_lazy(
            "Totals of sales orders closed in the period, by the manager assigned to the order."
        ),
        source=report_revenue_figures,
        fetch=revenue_by_manager_rows,
        cached=True,
        columns=(
            Column(gettext_lazy("Manager"), _manager),
            Column(gettext_lazy("Currency"), lambda row: row.currency),
            Column(gettext_lazy("Orders closed"), lambda row: row.orders, numeric=True),
            Column(
                gettext_lazy("Revenue"),
                lambda row: row.amount,
                lambda row: format_money(row.amount),
                numeric=True,
            ),
        ),
        chart_items=lambda rows: [
            (
                _with_currency(_manager(row), row.currency, rows),
                row.amount,
                f"{format_money(row.amount)} {row.currency}",
            )
            for row in rows
        ],
    ),
)
TABLES_BY_SLUG = {table.slug: table for table in (*TABLES, *FEEDBACK_TABLES)}


@dataclass(frozen=True)
class Cell:
    text: str
    numeric: bool
    url: str = ""


@dataclass(frozen=True)
class RenderedTable:
    slug: str
    title: str
    note: str
    headers: list[Cell]
    rows: list[list[Cell]]
    chart: BarChart | None


def _cache_key(table: ReportTable, *, user, period) -> str:
    # The user's scope, not the user: everyone who sees the same orders shares the figures.
    scope = order_scope_for_user(user=user).key
    dates = f"{period.date_from.isoformat()}:{period.date_to.isoformat()}"
    return f"reports:{table.slug}:{dates}:{scope}:{get_language()}"


def _usable(entry, version: int) -> bool:
    return entry["version"] == version or time.time() - entry["read_at"] < FRESH_SECONDS


def fetch_tables(tables, *, user, period) -> list[tuple[ReportTable, list]]:
    """Each table's rows; the orders' tables from the cache while fresh (see FRESH_SECONDS)."""
    keys = {
        table.slug: _cache_key(table, user=user, period=period) for table in tables if table.cached
    }
    found, version = {}, 0
    if keys:
        version = report_data_version()
        found = cache.get_many(keys.values())
    fetched, missed, sources = [], {}, {}
    for table in tables:
        key = keys.get(table.slug)
        entry = found.get(key)
        if entry is not None and _usable(entry, version):
            fetched.append((table, entry["rows"]))
            continue
        if table.source is None:
            rows = table.fetch(user=user, period=period)
        else:
            if table.source not in sources:
                sources[table.source] = table.source(user=user, period=period)
            rows = table.fetch(sources[table.source])
        if key is not None:
            missed[key] = {"version": version, "read_at": time.time(), "rows": rows}
        fetched.append((table, rows))
    if missed:
        cache.set_many(missed, CACHE_SECONDS)
    return fetched


def render_table(table: ReportTable, rows: list) -> RenderedTable:
    return RenderedTable(
        slug=table.slug,
        title=str(table.title),
        note=str(table.note),
        headers=[
            Cell(str(column.page_header or column.header), column.numeric)
            for column in table.columns
        ],
        rows=[
            [
                Cell(column.display(row), column.numeric, column.link(row) if column.link else "")
                for column in table.columns
            ]
            for row in rows
        ],
        chart=table.chart(rows),
    )
