"""Feedback analytics for the manager portal's reports: ratings of the period's feedback.

Each table is one query whatever the number of ratings. Ratings are counted per value
(1 to 5) with `COUNT(DISTINCT ...)`, so an order whose lines span several categories
counts once in each and never twice in one; the average is computed from those counts.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, DateField, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from conversations.models import LOW_RATING_MAX, RATING_MAX, RATING_MIN, Feedback
from core.databases import reports_database
from orders.lifecycle import OrderKind
from orders.reports import ReportPeriod
from orders.selectors import order_list_for_user

RATINGS = range(RATING_MIN, RATING_MAX + 1)
LOW_RATINGS_SHOWN = 200


@dataclass(frozen=True)
class FeedbackRow:
    """Ratings of one group: how many of each value, their average and the share of low ones."""

    key: object
    label: str
    counts: tuple[int, ...]

    @property
    def ratings(self) -> int:
        return sum(self.counts)

    @property
    def low(self) -> int:
        return sum(
            n for rating, n in zip(RATINGS, self.counts, strict=True) if rating <= LOW_RATING_MAX
        )

    @property
    def average(self) -> Decimal | None:
        if not self.ratings:
            return None
        total = sum(rating * n for rating, n in zip(RATINGS, self.counts, strict=True))
        return (Decimal(total) / self.ratings).quantize(Decimal("0.01"))

    @property
    def low_share(self) -> Decimal | None:
        if not self.ratings:
            return None
        return (Decimal(self.low) * 100 / self.ratings).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class LowRatingRow:
    left_at: datetime
    order_id: int
    order_number: str
    rating: int
    comment: str
    manager_name: str
    follow_up_status: str


def _full_name(first: str | None, last: str | None, username: str | None) -> str:
    return f"{first or ''} {last or ''}".strip() or (username or "")


def _feedback(*, user, period: ReportPeriod) -> QuerySet[Feedback]:
    """Feedback left in the period on orders the user may see."""
    database = reports_database()
    visible = order_list_for_user(user=user).using(database).order_by().values("pk")
    return (
        Feedback.objects.using(database)
        .filter(order__in=visible, created_at__gte=period.start, created_at__lt=period.end)
        .order_by()
    )


def _rating_counts() -> dict:
    return {
        f"rated_{rating}": Count("pk", distinct=True, filter=Q(rating=rating)) for rating in RATINGS
    }


def _counts(row: dict) -> tuple[int, ...]:
    return tuple(row[f"rated_{rating}"] for rating in RATINGS)


def report_feedback_by_month(*, user, period: ReportPeriod) -> list[FeedbackRow]:
    """Ratings left in the period, by month (business time zone), then the whole period."""
    rows = (
        _feedback(user=user, period=period)
        .annotate(month=TruncMonth("created_at", output_field=DateField()))
        .values("month")
        .annotate(**_rating_counts())
        .order_by("month")
    )
    months = [
        FeedbackRow(key=row["month"], label=_month(row["month"]), counts=_counts(row))
        for row in rows
    ]
    if not months:
        return []
    total = tuple(sum(counts) for counts in zip(*(row.counts for row in months), strict=True))
    return [*months, FeedbackRow(key=None, label=_("Whole period"), counts=total)]


def _month(value: date) -> str:
    return value.strftime("%m.%Y")


def report_feedback_by_manager(*, user, period: ReportPeriod) -> list[FeedbackRow]:
    """Ratings left in the period, by the order's assigned manager, lowest average first."""
    rows = (
        _feedback(user=user, period=period)
        .values(
            "order__manager_id",
            "order__manager__username",
            "order__manager__first_name",
            "order__manager__last_name",
        )
        .annotate(**_rating_counts())
    )
    result = [
        FeedbackRow(
            key=row["order__manager_id"],
            label=_full_name(
                row["order__manager__first_name"],
                row["order__manager__last_name"],
                row["order__manager__username"],
            ),
            counts=_counts(row),
        )
        for row in rows
    ]
    return sorted(result, key=lambda row: (row.average, row.label))


def report_feedback_by_kind(*, user, period: ReportPeriod) -> list[FeedbackRow]:
    """Ratings left in the period, by kind of order."""
    rows = (
        _feedback(user=user, period=period)
        .values("order__kind")
        .annotate(**_rating_counts())
        .order_by("order__kind")
    )
    return [
        FeedbackRow(
            key=row["order__kind"],
            label=str(OrderKind(row["order__kind"]).label),
            counts=_counts(row),
        )
        for row in rows
    ]


def report_feedback_by_category(*, user, period: ReportPeriod) -> list[FeedbackRow]:
    """Ratings left in the period, by catalog category of the order's lines.

    An order counts once in each category its lines come from; lines outside the catalog
    have no category and are left out.
    """
    rows = (
        _feedback(user=user, period=period)
        .values("order__lines__item__category_id", "order__lines__item__category__name")
        .annotate(**_rating_counts())
    )
    result = [
        FeedbackRow(
            key=row["order__lines__item__category_id"],
            label=row["order__lines__item__category__name"],
            counts=_counts(row),
        )
        for row in rows
        if row["order__lines__item__category_id"] is not None
    ]
    return sorted(result, key=lambda row: (row.average, row.label))


def report_low_ratings(*, user, period: ReportPeriod) -> list[LowRatingRow]:
    """The period's ratings of 1 or 2 with their comments, newest first, with the follow-up."""
    rows = (
        _feedback(user=user, period=period)
        .filter(rating__lte=LOW_RATING_MAX)
        .select_related("order__manager", "follow_up_task")
        .order_by("-created_at", "-id")[:LOW_RATINGS_SHOWN]
    )
    return [
        LowRatingRow(
            left_at=feedback.created_at,
            order_id=feedback.order_id,
            order_number=feedback.order.number,
            rating=feedback.rating,
            comment=feedback.comment,
            manager_name=str(feedback.order.manager) if feedback.order.manager else "",
            follow_up_status=str(feedback.follow_up_task.get_status_display())
            if feedback.follow_up_task
            else "",
        )
        for feedback in rows
    ]
