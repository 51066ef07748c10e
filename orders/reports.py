"""Reads behind the manager portal's reports: the sales funnel, time in stage, losses, revenue.

Each report is one query whatever the number of orders, aggregated in SQL. The funnel and
the stage times read the stage stays (orders/stage_stays.py: a row per stay, kept with the
events), the stage times' 90th percentile by PostgreSQL's percentile_disc. SQLite has no
percentile: there the stays' lengths are ranked in Python, to the same figures.

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
    DateField,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import TruncMonth
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
# A sale is closed from delivery, or from payment when paid after delivery.
REVENUE_CLOSED_FROM = (State.DELIVERY, State.PAYMENT)
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

    Staff who see every order read the stays alone (stage_stay_funnel_idx and
    stage_stay_finished_idx cover the two reports); a client's scope is a join to the orders.
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


def report_funnel(*, user, period: ReportPeriod) -> list[FunnelRow]:
    """How many orders reached each stage, and of those how many went on to a further one.

    "Went on" means the order left the stage forward: not cancelled and not sent back to
    the quote. Conversion is measured per stage rather than as the ratio of two stages'
    counts, because a workflow may skip stages (retail orders have no quote or contract).

    One query over the stays: each order's first stay in a stage counts it as reached, its
    first stay there that it left forward as gone on (orders/stage_stays.py marks both).
    """
    counts = {
        row["state"]: (row["reached"], row["moved_on"])
        for row in _period_stays(user=user, period=period)
        .filter(Q(first_visit=True) | Q(first_moved_on=True))
        .values("state")
        .annotate(
            # Counting a column the index holds (not the id) keeps the scan index-only.
            reached=Count("state", filter=Q(first_visit=True)),
            moved_on=Count("state", filter=Q(first_moved_on=True)),
        )
    }
    if not counts:
        return []
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


def _finished_stays(*, user, period: ReportPeriod) -> QuerySet:
    return (
        _period_stays(user=user, period=period)
        .filter(microseconds__isnull=False, state__in=TIMED_STAGES)
        .values_list("state", "microseconds")
    )


# percentile_disc is the nearest rank: the first value whose position reaches the fraction,
# ceil(fraction * count), like `percentile` below.
STAGE_TIMES_SQL = """
SELECT stay.state, COUNT(*), SUM(stay.microseconds),
    percentile_disc(%s) WITHIN GROUP (ORDER BY stay.microseconds)
FROM ({stays}) AS stay
GROUP BY stay.state
"""


def _stage_time_sums_in_sql(stays: QuerySet) -> dict[str, tuple[int, timedelta, timedelta]]:
    """PostgreSQL: visits, the total and the 90th percentile per stage, aggregated there."""
    compiled = _compiled(stays)
    if compiled is None:
        return {}
    sql, params = compiled
    with connections[stays.db].cursor() as cursor:
        cursor.execute(STAGE_TIMES_SQL.format(stays=sql), [P90, *params])
        return {
            state: (visits, timedelta(microseconds=int(total)), timedelta(microseconds=p90))
            for state, visits, total, p90 in cursor.fetchall()
        }


def _stage_time_sums_in_python(stays: QuerySet) -> dict[str, tuple[int, timedelta, timedelta]]:
    """Other databases (SQLite: development and tests): the lengths summed and ranked here."""
    durations: dict[str, list[timedelta]] = defaultdict(list)
    for state, microseconds in stays:
        durations[state].append(timedelta(microseconds=microseconds))
    return {
        state: (len(values), sum(values, timedelta()), percentile(values, P90))
        for state, values in durations.items()
    }


def report_stage_times(*, user, period: ReportPeriod) -> list[StageTimeRow]:
    """Average and 90th-percentile time of finished stays in each stage.

    A stay runs from the event that entered the stage to the next state change; the stay
    an order is in now has no end yet and is left out.
    """
    stays = _finished_stays(user=user, period=period)
    if connections[stays.db].vendor == "postgresql":
        sums = _stage_time_sums_in_sql(stays)
    else:
        sums = _stage_time_sums_in_python(stays)
    rows = []
    for state in TIMED_STAGES:
        if state not in sums:
            continue
        visits, total, p90 = sums[state]
        rows.append(StageTimeRow(state=state, visits=visits, average=total / visits, p90=p90))
    return rows


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


def _closings(*, user, period: ReportPeriod) -> QuerySet[OrderEvent]:
    """The event that closed each sales order, for closings within the period.

    Only the first closing counts: closing again after an after-sales service comes from
    `service`, so it is left out and every order contributes its total once.
    """
    scope = order_scope_condition(order_scope_for_user(user=user), through="order__")
    return (
        OrderEvent.objects.using(reports_database())
        .filter(
            scope,
            ~Q(order__kind=OrderKind.SUPPORT),
            to_state=State.CLOSED,
            from_state__in=REVENUE_CLOSED_FROM,
            created_at__gte=period.start,
            created_at__lt=period.end,
        )
        .order_by()
    )


def report_revenue_by_month(*, user, period: ReportPeriod) -> list[RevenueByMonthRow]:
    """Totals of orders closed in the period, by month of closing (business time zone)."""
    rows = (
        _closings(user=user, period=period)
        .annotate(month=TruncMonth("created_at", output_field=DateField()))
        .values("month", "order__currency")
        .annotate(orders=Count("order_id"), amount=Sum("order__total"))
        .order_by("month", "order__currency")
    )
    return [
        RevenueByMonthRow(
            month=row["month"],
            currency=row["order__currency"],
            orders=row["orders"],
            amount=_money(row["amount"]),
        )
        for row in rows
    ]


def report_revenue_by_manager(*, user, period: ReportPeriod) -> list[RevenueByManagerRow]:
    """Totals of orders closed in the period, by the order's assigned manager, largest first."""
    rows = (
        _closings(user=user, period=period)
        .values(
            "order__manager_id",
            "order__manager__username",
            "order__manager__first_name",
            "order__manager__last_name",
            "order__currency",
        )
        .annotate(orders=Count("order_id"), amount=Sum("order__total"))
        .order_by("-amount", "order__manager_id", "order__currency")
    )
    result = []
    for row in rows:
        full_name = (
            f"{row['order__manager__first_name'] or ''} {row['order__manager__last_name'] or ''}"
        )
        result.append(
            RevenueByManagerRow(
                manager_id=row["order__manager_id"],
                manager_name=full_name.strip() or (row["order__manager__username"] or ""),
                currency=row["order__currency"],
                orders=row["orders"],
                amount=_money(row["amount"]),
            )
        )
    return result
