"""Feedback analytics in the manager's reports: exact figures, the low ratings' list, the cost."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.roles import Role
from conversations.models import Feedback
from conversations.reports import (
    report_feedback_by_category,
    report_feedback_by_kind,
    report_feedback_by_manager,
    report_feedback_by_month,
    report_low_ratings,
)
from orders.lifecycle import OrderKind
from orders.models import OrderLine
from orders.reports import ReportPeriod
from tests.catalog.factories import CategoryFactory, ItemFactory
from tests.factories import UserFactory
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db

MARCH = ReportPeriod(date_from=date(2025, 3, 1), date_to=date(2025, 3, 31))
FEB_MARCH = ReportPeriod(date_from=date(2025, 2, 1), date_to=date(2025, 3, 31))


def _at(month, day):
    return datetime(2025, month, day, 12, 0, tzinfo=timezone.get_current_timezone())


def _rated(*, manager, kind, items, rating, left_at, comment=""):
    order = OrderFactory(state="closed", manager=manager, kind=kind)
    for position, item in enumerate(items, start=1):
        OrderLine.objects.create(
            order=order,
            position=position,
            item=item,
            name=item.name if item else "Доставка",
            quantity=1,
            unit="шт",
            unit_price=Decimal("100.00"),
            vat_rate=20,
            line_total=Decimal("100.00"),
        )
    feedback = Feedback.objects.create(order=order, rating=rating, comment=comment)
    Feedback.objects.filter(pk=feedback.pk).update(created_at=left_at)
    return order


@pytest.fixture
def director(db):
    return UserFactory(role=Role.DIRECTOR)


@pytest.fixture
def ratings(db):
    """Anna: 5 (furniture twice), 1 (furniture and light); Boris: 4 (light, a service),
    2 (light), 5 (a line outside the catalog); and Anna's 3 in February."""
    anna = UserFactory(role=Role.MANAGER, first_name="Анна", last_name="Петрова")
    boris = UserFactory(role=Role.MANAGER, first_name="Борис", last_name="Иванов")
    furniture = CategoryFactory(name="Мебель")
    light = CategoryFactory(name="Свет")
    chair, table = ItemFactory(category=furniture), ItemFactory(category=furniture)
    lamp = ItemFactory(category=light)
    product, service = OrderKind.PRODUCT, OrderKind.SERVICE
    return {
        "five": _rated(
            manager=anna, kind=product, items=[chair, table], rating=5, left_at=_at(3, 3)
        ),
        "one": _rated(
            manager=anna,
            kind=product,
            items=[chair, lamp],
            rating=1,
            left_at=_at(3, 10),
            comment="Сломано",
        ),
        "four": _rated(manager=boris, kind=service, items=[lamp], rating=4, left_at=_at(3, 15)),
        "two": _rated(
            manager=boris,
            kind=product,
            items=[lamp],
            rating=2,
            left_at=_at(3, 20),
            comment="Долго",
        ),
        "outside": _rated(manager=boris, kind=product, items=[None], rating=5, left_at=_at(3, 25)),
        "february": _rated(manager=anna, kind=product, items=[chair], rating=3, left_at=_at(2, 20)),
    }


def _figures(rows):
    return [(row.label, row.ratings, row.average, row.low, row.low_share) for row in rows]


def test_by_month_and_for_the_whole_period(director, ratings):
    with translation.override("en"):
        rows = report_feedback_by_month(user=director, period=FEB_MARCH)

    assert _figures(rows) == [
        ("02.2025", 1, Decimal("3.00"), 0, Decimal("0.0")),
        ("03.2025", 5, Decimal("3.40"), 2, Decimal("40.0")),
        ("Whole period", 6, Decimal("3.33"), 2, Decimal("33.3")),
    ]


def test_by_manager_lowest_average_first(director, ratings):
    assert _figures(report_feedback_by_manager(user=director, period=MARCH)) == [
        ("Анна Петрова", 2, Decimal("3.00"), 1, Decimal("50.0")),
        ("Борис Иванов", 3, Decimal("3.67"), 1, Decimal("33.3")),
    ]


def test_by_order_kind(director, ratings):
    with translation.override("en"):
        rows = report_feedback_by_kind(user=director, period=MARCH)

    assert _figures(rows) == [
        ("Product order", 4, Decimal("3.25"), 2, Decimal("50.0")),
        ("Service order", 1, Decimal("4.00"), 0, Decimal("0.0")),
    ]


def test_by_category_an_order_counts_once_in_each_of_its_lines_categories(director, ratings):
    assert _figures(report_feedback_by_category(user=director, period=MARCH)) == [
        ("Свет", 3, Decimal("2.33"), 2, Decimal("66.7")),
        ("Мебель", 2, Decimal("3.00"), 1, Decimal("50.0")),
    ]


def test_low_ratings_newest_first_with_their_comments(director, ratings):
    rows = report_low_ratings(user=director, period=MARCH)

    assert [(row.order_id, row.rating, row.comment) for row in rows] == [
        (ratings["two"].pk, 2, "Долго"),
        (ratings["one"].pk, 1, "Сломано"),
    ]


def test_the_reports_page_shows_the_feedback_tables_with_links_to_the_low_rated_orders(
    director, ratings
):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(director)

    response = client.get(
        reverse("portals_manager:reports"), {"date_from": "2025-03-01", "date_to": "2025-03-31"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    for slug in ("by-month", "by-manager", "by-kind", "by-category"):
        assert f'data-testid="report-feedback-{slug}"' in page
    low = ratings["one"]
    link = reverse("portals_manager:order_page", args=[low.pk])
    assert f'<a href="{link}">{low.number}</a>' in page
    assert "Сломано" in page


def test_the_feedback_csv(director, ratings):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(director)

    response = client.get(
        reverse("portals_manager:report_export", args=["feedback-by-kind"]),
        {"date_from": "2025-03-01", "date_to": "2025-03-31"},
    )

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["Order kind", "Ratings", "Average rating", "Ratings of 1–2", "Share of 1–2, %"],
        ["Product order", "4", "3.25", "2", "50.0"],
        ["Service order", "1", "4.00", "0", "0.0"],
    ]


def _feedback_queries(director):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(director)
    # Each load reads the sales tables too, not the cached ones of the load before.
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(
            reverse("portals_manager:reports"),
            {"date_from": "2025-03-01", "date_to": "2025-03-31"},
        )
    assert response.status_code == 200
    assert all(table.rows for table in response.context["feedback_tables"])
    return len(queries)


def _more_ratings(count):
    manager = UserFactory(role=Role.MANAGER)
    category = CategoryFactory()
    for number in range(count):
        _rated(
            manager=manager if number % 2 else UserFactory(role=Role.MANAGER),
            kind=OrderKind.PRODUCT,
            items=[ItemFactory(category=category), ItemFactory()],
            rating=1 + number % 5,
            left_at=_at(3, 1 + number % 28),
            comment=f"Комментарий {number}",
        )


def test_the_feedback_tables_cost_the_same_queries_for_few_and_many_ratings(director):
    _more_ratings(5)
    few = _feedback_queries(director)

    _more_ratings(40)
    many = _feedback_queries(director)

    # Session, user, permissions, the sales reports; one query for each feedback table.
    assert few <= 15
    assert many == few
