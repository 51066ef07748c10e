"""Reads behind the manager portal's reports: the sales funnel, time in stage, losses, revenue.

Each report is a fixed number of queries whatever the number of orders: aggregates run
in SQL, and what SQL cannot do portably (per-order stage sequences, percentiles) is
computed in Python over one query's rows.

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
from itertools import pairwise

from django.db.models import Count, DateField, F, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from orders.lifecycle import OrderKind, State
from orders.models import Order, OrderEvent
from orders.selectors import order_list_for_user

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
# Going back to the quote to amend the order is not progress through the funnel.
BACKWARD_ACTIONS = frozenset({"amend"})


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


def _sales_orders(*, user, period: ReportPeriod) -> QuerySet[Order]:
    return (
        order_list_for_user(user=user)
        .exclude(kind=OrderKind.SUPPORT)
        .filter(created_at__gte=period.start, created_at__lt=period.end)
    )


StageChanges = dict[int, list[tuple]]


def report_stage_changes(*, user, period: ReportPeriod) -> StageChanges:
    """Each order's state changes in the order they happened: one query for all orders.

    The funnel and the stage times both read this; a page showing both reads it once
    and passes it to each as `changes`.
    """
    orders = _sales_orders(user=user, period=period).order_by().values("pk")
    rows = (
        OrderEvent.objects.filter(order__in=orders)
        .exclude(from_state=F("to_state"))
        .exclude(to_state="")
        .order_by("order_id", "created_at", "id")
        .values_list("order_id", "action", "from_state", "to_state", "created_at")
    )
    changes: dict[int, list[tuple]] = defaultdict(list)
    for order_id, action, from_state, to_state, created_at in rows:
        changes[order_id].append((action, from_state, to_state, created_at))
    return changes


def report_funnel(
    *, user, period: ReportPeriod, changes: StageChanges | None = None
) -> list[FunnelRow]:
    """How many orders reached each stage, and of those how many went on to a further one.

    "Went on" means the order left the stage forward: not cancelled and not sent back to
    the quote. Conversion is measured per stage rather than as the ratio of two stages'
    counts, because a workflow may skip stages (retail orders have no quote or contract).
    """
    reached: dict[str, set[int]] = defaultdict(set)
    moved_on: dict[str, set[int]] = defaultdict(set)
    if changes is None:
        changes = report_stage_changes(user=user, period=period)
    for order_id, order_changes in changes.items():
        for action, from_state, to_state, _created_at in order_changes:
            reached[to_state].add(order_id)
            if from_state and to_state != State.CANCELLED and action not in BACKWARD_ACTIONS:
                moved_on[from_state].add(order_id)
    if not reached:
        return []
    first = len(reached[FUNNEL_STAGES[0]])
    rows = []
    for state in FUNNEL_STAGES:
        count = len(reached[state])
        # Closed is where the funnel ends: there is no further stage to go on to.
        forward = len(moved_on[state] & reached[state]) if state != State.CLOSED else None
        rows.append(
            FunnelRow(
                state=state,
                reached=count,
                moved_on=forward,
                share_of_first=_percent(count, first),
                conversion=_percent(forward, count) if forward is not None else None,
            )
        )
    return rows


def report_stage_times(
    *, user, period: ReportPeriod, changes: StageChanges | None = None
) -> list[StageTimeRow]:
    """Average and 90th-percentile time of finished stays in each stage.

    A stay runs from the event that entered the stage to the next state change; the stay
    an order is in now has no end yet and is left out.
    """
    durations: dict[str, list[timedelta]] = defaultdict(list)
    if changes is None:
        changes = report_stage_changes(user=user, period=period)
    for order_changes in changes.values():
        for entered, left in pairwise(order_changes):
            durations[entered[2]].append(left[3] - entered[3])
    rows = []
    for state in TIMED_STAGES:
        values = durations.get(state)
        if not values:
            continue
        rows.append(
            StageTimeRow(
                state=state,
                visits=len(values),
                average=sum(values, timedelta()) / len(values),
                p90=percentile(values, 0.9),
            )
        )
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
    visible = order_list_for_user(user=user).exclude(kind=OrderKind.SUPPORT).order_by()
    return OrderEvent.objects.filter(
        order__in=visible.values("pk"),
        to_state=State.CLOSED,
        from_state__in=REVENUE_CLOSED_FROM,
        created_at__gte=period.start,
        created_at__lt=period.end,
    ).order_by()


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
