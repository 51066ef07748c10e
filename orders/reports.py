"""Reads behind the manager portal's reports: the sales funnel, time in stage, losses, revenue.

Each report is one query whatever the number of orders, aggregated in SQL, and two tables
drawn from the same rows share it. The funnel and the stage times read the stage stays
(orders/stage_stays.py: a row per stay, kept with the events) in one range scan; the stage
times' 90th percentile is the nearest rank, as PostgreSQL's percentile_disc gives it. SQLite
has no arrays: there the stays are counted and ranked in Python, to the same figures.
Revenue by month and by manager read the orders closed in the period (`Order.closed_at`,
orders/closings.py), once for both.

Funnel, stage times and losses count sales orders (support tickets have a flow of their
own) created in the period. Revenue is the totals of sales orders closed in the period
(closing needs full payment and delivery to the client), so it is not moved by
prepayments of orders that are later cancelled.
"""

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    Count,
    Q,
    QuerySet,
    Sum,
)
from django.utils import timezone

from core.databases import reports_database
from orders.lifecycle import OrderKind, State
from orders.models import Order, OrderEvent, StageStay
from orders.selectors import order_list_for_user, order_scope_condition, order_scope_for_user

DEFAULT_PERIOD_DAYS = 90
CENTS = Decimal("0.01")

FUNNEL_STAGES = (
    State.REQUEST,
    State.QUOTE,
    State.CONTRACT,
    State.PAYMENT,
    State.PRODUCTION,
    State.DELIVERY,
    State.CLOSED,
)
# Final states have no "time in stage": closing or cancelling ends the process.
TIMED_STAGES = (*FUNNEL_STAGES[:-1], State.SERVICE)
P90 = 0.9


@dataclass(frozen=True)
class ReportPeriod:
    """Whole days in the business time zone, both ends included."""

    date_from: date
    date_to: date

    @classmethod
    def default(cls, today: date | None = None) -> "ReportPeriod":
        today = today or timezone.localdate()
        return cls(date_from=today - timedelta(days=DEFAULT_PERIOD_DAYS), date_to=today)

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.date_from, time.min))

    @property
    def end(self) -> datetime:
        """The first moment after the period (exclusive bound)."""
        return timezone.make_aware(datetime.combine(self.date_to + timedelta(days=1), time.min))


@dataclass(frozen=True)
class FunnelRow:
    state: str
    reached: int
    moved_on: int | None
    share_of_first: Decimal | None
    conversion: Decimal | None

    @property
    def label(self) -> str:
        return State(self.state).label


@dataclass(frozen=True)
class StageTimeRow:
    state: str
    visits: int
    average: timedelta
    p90: timedelta

    @property
    def label(self) -> str:
        return State(self.state).label


@dataclass(frozen=True)
class LostRow:
    reason: str
    orders: int
    share: Decimal


@dataclass(frozen=True)
class StageFigures:
    """One stage's stays of the period's sales orders: the funnel's and the stage times'."""

    reached: int
    moved_on: int
    # Finished stays: how many, their total length and the 90th percentile of it.
    visits: int
    total: timedelta
    p90: timedelta | None


@dataclass(frozen=True)
class RevenueFigures:
    """Sales closed in one month, by one manager, in one currency."""

    month: date
    manager_id: int | None
    manager_name: str
    currency: str
    orders: int
    amount: Decimal


@dataclass(frozen=True)
class RevenueByMonthRow:
    month: date
    currency: str
    orders: int
    amount: Decimal


@dataclass(frozen=True)
class RevenueByManagerRow:
    manager_id: int | None
    manager_name: str
    currency: str
    orders: int
    amount: Decimal


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def _money(value) -> Decimal:
    # SQLite sums decimals without their scale; show kopecks the same on every database.
    return Decimal(value or 0).quantize(CENTS)


def percentile(values: list[timedelta], fraction: float) -> timedelta:
    """Nearest rank: the smallest value with at least `fraction` of all values at or below it."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def report_data_version() -> int:
    """The latest order event's id. Every change of an order writes an event, so figures
    read under an older version may be out of date, and under this one are not."""
    events = OrderEvent.objects.using(reports_database())
    return events.order_by("-id").values_list("id", flat=True).first() or 0


def _sales_orders(*, user, period: ReportPeriod) -> QuerySet[Order]:
    return (
        order_list_for_user(user=user)
        .using(reports_database())
        .exclude(kind=OrderKind.SUPPORT)
        .filter(created_at__gte=period.start, created_at__lt=period.end)
    )


def _period_stays(*, user, period: ReportPeriod) -> QuerySet[StageStay]:
    """The stays of the sales orders created in the period, whenever they began or ended.

    Staff who see every order read the stays alone (stage_stay_period_idx covers both
    reports); a client's scope is a join to the orders.
    """
    scope = order_scope_for_user(user=user)
    if not scope.everything and scope.customer_id is None:
        return StageStay.objects.none()
    return (
        StageStay.objects.using(reports_database())
        .filter(
            order_scope_condition(scope, through="order__"),
            order_created_at__gte=period.start,
            order_created_at__lt=period.end,
        )
        .exclude(kind=OrderKind.SUPPORT)
        .order_by()
    )


def _compiled(queryset: QuerySet) -> tuple[str, tuple] | None:
    """The queryset's SQL, to be wrapped in an aggregate the ORM cannot express; None when
    it can match nothing (a user who sees no orders)."""
    try:
        return queryset.query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:
        return None


STAY_FIELDS = ("state", "first_visit", "first_moved_on", "microseconds")
# The lengths of a stage's finished stays are gathered into an array while the counts are
# hashed per stage (no sort of every stay by stage, as an ordered-set aggregate needs), then
# the 90th percentile is picked from the top tenth of the array: the nearest rank,
# ceil(fraction * count) from the bottom, computed in float8 as percentile_disc does.
STAGE_FIGURES_SQL = """
SELECT stay.state, stay.reached, stay.moved_on, stay.visits, stay.total,
    (SELECT length FROM unnest(stay.lengths) AS length
     ORDER BY length DESC
     OFFSET (stay.visits - CEIL(%s::float8 * stay.visits))::bigint LIMIT 1)
FROM (
    SELECT s.state,
        COUNT(*) FILTER (WHERE s.first_visit) AS reached,
        COUNT(*) FILTER (WHERE s.first_moved_on) AS moved_on,
        COUNT(s.microseconds) AS visits,
        SUM(s.microseconds) AS total,
        ARRAY_AGG(s.microseconds) FILTER (WHERE s.microseconds IS NOT NULL) AS lengths
    FROM ({stays}) AS s
    GROUP BY s.state
) AS stay
"""


def _stage_figures_in_sql(stays: QuerySet) -> dict[str, StageFigures]:
    compiled = _compiled(stays)
    if compiled is None:
        return {}
    sql, params = compiled
    with connections[stays.db].cursor() as cursor:
        cursor.execute(STAGE_FIGURES_SQL.format(stays=sql), [P90, *params])
        return {
            state: StageFigures(
                reached=reached,
                moved_on=moved_on,
                visits=visits,
                total=timedelta(microseconds=int(total or 0)),
                p90=None if p90 is None else timedelta(microseconds=p90),
            )
            for state, reached, moved_on, visits, total, p90 in cursor.fetchall()
        }


def _stage_figures_in_python(stays: QuerySet) -> dict[str, StageFigures]:
    """Other databases (SQLite: development and tests): counted, summed and ranked here."""
    reached: dict[str, int] = defaultdict(int)
    moved_on: dict[str, int] = defaultdict(int)
    durations: dict[str, list[timedelta]] = defaultdict(list)
    for state, first_visit, first_moved_on, microseconds in stays:
        reached[state] += first_visit
        moved_on[state] += first_moved_on
        if microseconds is not None:
            durations[state].append(timedelta(microseconds=microseconds))
    figures = {}
    for state in reached:
        values = durations[state]
        figures[state] = StageFigures(
            reached=reached[state],
            moved_on=moved_on[state],
            visits=len(values),
            total=sum(values, timedelta()),
            p90=percentile(values, P90) if values else None,
        )
    return figures


def report_stage_figures(*, user, period: ReportPeriod) -> dict[str, StageFigures]:
    """Per stage, the funnel's counts and the stage times' lengths, in one statement."""
    stays = _period_stays(user=user, period=period).values_list(*STAY_FIELDS)
    if connections[stays.db].vendor == "postgresql":
        return _stage_figures_in_sql(stays)
    return _stage_figures_in_python(stays)


def funnel_rows(figures: dict[str, StageFigures]) -> list[FunnelRow]:
    """How many orders reached each stage, and of those how many went on to a further one.

    "Went on" means the order left the stage forward: not cancelled and not sent back to
    the quote. Conversion is measured per stage rather than as the ratio of two stages'
    counts, because a workflow may skip stages (retail orders have no quote or contract).
    Each order's first stay in a stage counts it as reached, its first stay there that it
    left forward as gone on (orders/stage_stays.py marks both).
    """
    if not figures:
        return []
    counts = {state: (stage.reached, stage.moved_on) for state, stage in figures.items()}
    first = counts.get(State.REQUEST, (0, 0))[0]
    rows = []
    for state in FUNNEL_STAGES:
        count, moved_on = counts.get(state, (0, 0))
        # Closed is where the funnel ends: there is no further stage to go on to.
        if state == State.CLOSED:
            moved_on = None
        rows.append(
            FunnelRow(
                state=state,
                reached=count,
                moved_on=moved_on,
                share_of_first=_percent(count, first),
                conversion=_percent(moved_on, count) if moved_on is not None else None,
            )
        )
    return rows


def stage_time_rows(figures: dict[str, StageFigures]) -> list[StageTimeRow]:
    """Average and 90th-percentile time of finished stays in each stage.

    A stay runs from the event that entered the stage to the next state change; the stay
    an order is in now has no end yet and is left out.
    """
    rows = []
    for state in TIMED_STAGES:
        stage = figures.get(state)
        if stage is None or not stage.visits:
            continue
        rows.append(
            StageTimeRow(
                state=state,
                visits=stage.visits,
                average=stage.total / stage.visits,
                p90=stage.p90,
            )
        )
    return rows


def report_funnel(*, user, period: ReportPeriod) -> list[FunnelRow]:
    return funnel_rows(report_stage_figures(user=user, period=period))


def report_stage_times(*, user, period: ReportPeriod) -> list[StageTimeRow]:
    return stage_time_rows(report_stage_figures(user=user, period=period))


def report_lost_by_reason(*, user, period: ReportPeriod) -> list[LostRow]:
    """Cancelled orders grouped by the reason given, most frequent first."""
    rows = list(
        _sales_orders(user=user, period=period)
        .filter(state=State.CANCELLED)
        .order_by()
        .values("cancel_reason")
        .annotate(orders=Count("pk"))
        .order_by("-orders", "cancel_reason")
    )
    total = sum(row["orders"] for row in rows)
    return [
        LostRow(
            reason=row["cancel_reason"].strip(),
            orders=row["orders"],
            share=_percent(row["orders"], total),
        )
        for row in rows
    ]


def _months(period: ReportPeriod) -> list[tuple[date, datetime, datetime]]:
    """Each month the period touches (business time zone), with its part of the period."""
    months = []
    month = period.date_from.replace(day=1)
    while month <= period.date_to:
        following = (month + timedelta(days=31)).replace(day=1)
        start = timezone.make_aware(datetime.combine(month, time.min))
        end = timezone.make_aware(datetime.combine(following, time.min))
        months.append((month, max(start, period.start), min(end, period.end)))
        month = following
    return months


def report_revenue_figures(*, user, period: ReportPeriod) -> list[RevenueFigures]:
    """Sales orders closed in the period (orders/closings.py: their first closing from
    delivery or payment) by month of closing (business time zone), manager and currency.

    One column pair per month rather than grouping by the truncated month: the planner
    cannot tell how few months a range holds and would sort every closing to group them.
    """
    scope = order_scope_condition(order_scope_for_user(user=user))
    months = _months(period)
    per_month = {}
    for number, (_month, start, end) in enumerate(months):
        closed_then = Q(closed_at__gte=start, closed_at__lt=end)
        per_month[f"orders_{number}"] = Count("pk", filter=closed_then)
        per_month[f"amount_{number}"] = Sum("total", filter=closed_then)
    rows = (
        Order.objects.using(reports_database())
        .filter(scope, closed_at__gte=period.start, closed_at__lt=period.end)
        .exclude(kind=OrderKind.SUPPORT)
        .values(
            "manager_id",
            "manager__username",
            "manager__first_name",
            "manager__last_name",
            "currency",
        )
        .annotate(**per_month)
        .order_by()
    )
    return [
        RevenueFigures(
            month=month,
            manager_id=row["manager_id"],
            manager_name=(
                f"{row['manager__first_name'] or ''} {row['manager__last_name'] or ''}".strip()
                or (row["manager__username"] or "")
            ),
            currency=row["currency"],
            orders=row[f"orders_{number}"],
            amount=_money(row[f"amount_{number}"]),
        )
        for row in rows
        for number, (month, _start, _end) in enumerate(months)
        if row[f"orders_{number}"]
    ]


def _revenue_totals(figures: list[RevenueFigures], key) -> dict:
    totals: dict = {}
    for figure in figures:
        orders, amount = totals.get(key(figure), (0, Decimal(0)))
        totals[key(figure)] = (orders + figure.orders, amount + figure.amount)
    return totals


def revenue_by_month_rows(figures: list[RevenueFigures]) -> list[RevenueByMonthRow]:
    """Totals of orders closed in the period, by month of closing (business time zone)."""
    totals = _revenue_totals(figures, lambda figure: (figure.month, figure.currency))
    return [
        RevenueByMonthRow(month=month, currency=currency, orders=orders, amount=_money(amount))
        for (month, currency), (orders, amount) in sorted(totals.items())
    ]


def revenue_by_manager_rows(figures: list[RevenueFigures]) -> list[RevenueByManagerRow]:
    """Totals of orders closed in the period, by the order's assigned manager, largest first
    (then by manager, orders nobody is assigned to last, as PostgreSQL sorts NULL)."""
    names = {figure.manager_id: figure.manager_name for figure in figures}
    totals = _revenue_totals(figures, lambda figure: (figure.manager_id, figure.currency))
    rows = [
        RevenueByManagerRow(
            manager_id=manager_id,
            manager_name=names[manager_id],
            currency=currency,
            orders=orders,
            amount=_money(amount),
        )
        for (manager_id, currency), (orders, amount) in totals.items()
    ]
    return sorted(
        rows,
        key=lambda row: (-row.amount, row.manager_id is None, row.manager_id or 0, row.currency),
    )


def report_revenue_by_month(*, user, period: ReportPeriod) -> list[RevenueByMonthRow]:
    return revenue_by_month_rows(report_revenue_figures(user=user, period=period))


def report_revenue_by_manager(*, user, period: ReportPeriod) -> list[RevenueByManagerRow]:
    return revenue_by_manager_rows(report_revenue_figures(user=user, period=period))
