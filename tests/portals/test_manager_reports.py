import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from customers.models import Customer
from orders.closings import closings_backfill
from orders.lifecycle import DeliveryStatus, OrderKind, State
from orders.models import Order, OrderEvent, StageStay
from orders.reports import ReportPeriod, percentile
from orders.services import (
    LineInput,
    delivery_update,
    order_amend,
    order_create,
    order_transition,
    payment_record,
    quote_accept,
    quote_send,
)
from orders.stage_stays import stays_backfill
from portals.manager.report_tables import CACHE_SECONDS
from tests.catalog.factories import ItemFactory
from tests.factories import ContactFactory, CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db

MARCH = {"date_from": "2025-03-01", "date_to": "2025-03-31"}


class Clock:
    """What `timezone.now()` answers; events take their `created_at` from it."""

    def __init__(self, start):
        self.now = start

    def set(self, moment):
        self.now = moment


@pytest.fixture
def t0():
    return datetime(2025, 3, 3, 9, 0, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def clock(monkeypatch, t0):
    clock = Clock(t0)
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


@pytest.fixture
def english_client():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def director(english_client):
    user = UserFactory(role=Role.DIRECTOR)
    english_client.force_login(user)
    return english_client


@pytest.fixture
def sales(db):
    """Retail customers get the default retail workflow: request, payment, production,
    delivery, closed (no quote, no contract)."""

    class Sales:
        manager = UserFactory(role=Role.MANAGER, first_name="Анна", last_name="Петрова")
        other_manager = UserFactory(role=Role.MANAGER, first_name="Борис", last_name="Иванов")
        customer = CustomerFactory(kind=Customer.Kind.PERSON)
        item = ItemFactory(price=Decimal("1000.00"))

        def place(self, *, quantity=1, manager=None):
            return order_create(
                customer=self.customer,
                kind=OrderKind.PRODUCT,
                lines=[LineInput(item=self.item, quantity=quantity)],
                by=self.manager,
                channel=Order.Channel.MANAGER,
                manager=manager or self.manager,
            )

        def move(self, order, transition, **kwargs):
            return order_transition(order=order, transition=transition, by=self.manager, **kwargs)

        def pay_and_produce(self, order):
            """Pay in full and start production (which paying may already do by itself)."""
            payment_record(order=order, amount=order.total, by=self.manager)
            order = Order.objects.get(pk=order.pk)
            if order.state == State.PAYMENT:
                order = self.move(order, "start_production")
            return order

        def hand_over(self, order):
            return delivery_update(
                order=order, by=self.manager, status=DeliveryStatus.HANDED_TO_CLIENT
            )

        def close_from_payment(self, order):
            """Request, payment, production, delivery, closed."""
            order = self.move(order, "request_payment")
            order = self.pay_and_produce(order)
            order = self.move(order, "ship")
            order = self.hand_over(order)
            return self.move(order, "close")

    return Sales()


def build_history(sales, clock, t0):
    """Twelve orders created at t0 whose stays are known to the minute.

    request: orders 1-10 leave after 1..10 h for payment, order 11 is cancelled after
    11 h, order 12 stays. payment: orders 1-4 pay and leave after 3 h, orders 5-6 are
    cancelled after 7 h. production: orders 1-2 ship after 24 h. delivery: handed over
    after 10 h and closed after 30 h. Order 1 (2 units, Анна) and order 2 (Борис) close.
    """

    def at(hours):
        clock.set(t0 + timedelta(hours=hours))

    for number in range(1, 13):
        at(0)
        order = sales.place(
            quantity=2 if number == 1 else 1,
            manager=sales.other_manager if number == 2 else None,
        )
        if number == 12:
            continue
        if number == 11:
            at(11)
            sales.move(order, "cancel", reason="Передумал")
            continue
        at(number)
        order = sales.move(order, "request_payment")
        if number in (5, 6):
            at(number + 7)
            sales.move(order, "cancel", reason="Нашли дешевле")
            continue
        if number > 4:
            continue
        at(number + 3)
        order = sales.pay_and_produce(order)
        if number > 2:
            continue
        at(number + 27)
        order = sales.move(order, "ship")
        at(number + 37)
        order = sales.hand_over(order)
        at(number + 57)
        sales.move(order, "close")


def csv_rows(response):
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content.removeprefix("\ufeff"))))


# Figures


def test_funnel_counts_and_conversion(director, sales, clock, t0):
    build_history(sales, clock, t0)

    response = director.get(reverse("portals_manager:reports"), MARCH)

    funnel = {
        row[0]: row[1:]
        for row in csv_rows(
            director.get(reverse("portals_manager:report_export", args=["funnel"]), MARCH)
        )[1:]
    }
    assert funnel == {
        "Request (pre-order)": ["12", "10", "100.0", "83.3"],
        "Quote": ["0", "0", "0.0", ""],
        "Contract": ["0", "0", "0.0", ""],
        "Payment": ["10", "4", "83.3", "40.0"],
        "Production / picking": ["4", "2", "33.3", "50.0"],
        "Delivery": ["2", "2", "16.7", "100.0"],
        "Closed": ["2", "", "16.7", ""],
    }
    funnel_table = next(t for t in response.context["tables"] if t.slug == "funnel")
    assert [cell.text for cell in funnel_table.rows[3]] == [
        "Payment",
        "10",
        "4",
        "83.3",
        "40.0",
    ]


def test_sending_an_order_back_to_the_quote_is_not_progress(director, sales, clock, t0):
    # A company customer gets the default B2B workflow: quote and contract included.
    sales.customer = CustomerFactory(kind=Customer.Kind.COMPANY)
    order = sales.move(sales.place(), "start_quote")
    quote = order.quotes.get(status="draft")
    quote_send(quote=quote, by=sales.manager)
    quote_accept(quote=quote, by=sales.manager)
    order = sales.move(Order.objects.get(pk=order.pk), "prepare_contract")
    order_amend(order=order, lines=[LineInput(item=sales.item, quantity=3)], by=sales.manager)

    response = director.get(reverse("portals_manager:report_export", args=["funnel"]), MARCH)

    rows = {row[0]: row[1:3] for row in csv_rows(response)[1:]}
    assert rows["Request (pre-order)"] == ["1", "1"]
    assert rows["Quote"] == ["1", "1"]
    assert rows["Contract"] == ["1", "0"]


def test_time_in_stage_average_and_90th_percentile(director, sales, clock, t0):
    build_history(sales, clock, t0)

    response = director.get(reverse("portals_manager:report_export", args=["stage-times"]), MARCH)

    assert csv_rows(response) == [
        ["Stage", "Stays", "Average, hours", "90th percentile, hours"],
        ["Request (pre-order)", "11", "6.00", "10.00"],
        ["Payment", "6", "4.33", "7.00"],
        ["Production / picking", "2", "24.00", "24.00"],
        ["Delivery", "2", "30.00", "30.00"],
    ]
    page = director.get(reverse("portals_manager:reports"), MARCH)
    stage_times = next(t for t in page.context["tables"] if t.slug == "stage-times")
    assert [cell.text for cell in stage_times.rows[1]] == [
        "Payment",
        "6",
        "4 h 20 min",
        "7 h 0 min",
    ]
    # The page's cells read "4 h 20 min": its headers do not promise hours.
    assert [cell.text for cell in stage_times.headers] == [
        "Stage",
        "Stays",
        "Average",
        "90th percentile",
    ]


def test_percentile_is_nearest_rank():
    hours = [timedelta(hours=value) for value in (5, 1, 3, 2, 4)]

    assert percentile(hours, 0.9) == timedelta(hours=5)
    assert percentile(hours, 0.5) == timedelta(hours=3)
    assert percentile([timedelta(minutes=7)], 0.9) == timedelta(minutes=7)


def test_lost_orders_by_reason(director, sales, clock, t0):
    build_history(sales, clock, t0)

    response = director.get(reverse("portals_manager:report_export", args=["lost"]), MARCH)

    assert csv_rows(response) == [
        ["Reason", "Orders", "Share, %"],
        ["Нашли дешевле", "2", "66.7"],
        ["Передумал", "1", "33.3"],
    ]


def test_revenue_is_closed_orders_totals_by_month_of_closing_and_by_manager(
    director, sales, clock, t0
):
    build_history(sales, clock, t0)

    by_month = director.get(
        reverse("portals_manager:report_export", args=["revenue-by-month"]), MARCH
    )
    by_manager = director.get(
        reverse("portals_manager:report_export", args=["revenue-by-manager"]), MARCH
    )

    assert csv_rows(by_month) == [
        ["Month", "Currency", "Orders closed", "Revenue"],
        ["2025-03", "RUB", "2", "3000.00"],
    ]
    assert csv_rows(by_manager) == [
        ["Manager", "Currency", "Orders closed", "Revenue"],
        ["Анна Петрова", "RUB", "1", "2000.00"],
        ["Борис Иванов", "RUB", "1", "1000.00"],
    ]


def test_period_filters_by_creation_date_and_defaults_to_the_last_90_days(
    director, sales, clock, t0
):
    clock.set(t0 - timedelta(days=40))
    sales.place()
    clock.set(t0)
    sales.place()
    url = reverse("portals_manager:reports")

    default = director.get(url)
    march = director.get(url, MARCH)

    assert default.context["period"] == ReportPeriod(
        date_from=date(2024, 12, 3), date_to=date(2025, 3, 3)
    )
    assert default.context["tables"][0].rows[0][1].text == "2"
    assert march.context["tables"][0].rows[0][1].text == "1"
    assert "Period: 01.03.2025 – 31.03.2025." in march.content.decode()


def test_a_reversed_period_is_refused_and_the_default_shown(director, clock, t0):
    response = director.get(
        reverse("portals_manager:reports"), {"date_from": "2025-03-10", "date_to": "2025-03-01"}
    )

    assert response.status_code == 200
    assert "The start date is after the end date." in response.content.decode()
    assert response.context["period"] == ReportPeriod.default(date(2025, 3, 3))


# Page: charts, empty states, CSV details


def test_empty_period_shows_empty_states_and_no_downloads(director):
    response = director.get(reverse("portals_manager:reports"), MARCH)

    content = response.content.decode()
    assert content.count("No data for this period.") == 5
    assert 'data-testid="chart-' not in content
    assert ".csv" not in content


def test_charts_are_labelled_svg_with_unlocalized_geometry(client, sales, clock, t0):
    build_history(sales, clock, t0)
    client.force_login(UserFactory(role=Role.DIRECTOR))  # Russian: decimal comma in numbers

    content = client.get(reverse("portals_manager:reports"), MARCH).content.decode()

    for slug in ("funnel", "stage-times", "lost", "revenue-by-month", "revenue-by-manager"):
        assert f'aria-labelledby="chart-{slug}-title chart-{slug}-desc"' in content
        assert f'<title id="chart-{slug}-title">' in content
    assert 'role="img"' in content
    # The largest bar is the full width, written with a dot whatever the language.
    assert 'width="360.0"' in content
    assert 'width="360,0"' not in content


def test_csv_download_headers_and_formula_cells_are_neutralised(director, sales, clock):
    order = sales.place()
    sales.move(order, "cancel", reason='=HYPERLINK("http://evil")')

    response = director.get(
        reverse("portals_manager:report_export", args=["lost"]),
        {"date_from": "2025-03-01", "date_to": "2025-03-05"},
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="lost_2025-03-01_2025-03-05.csv"'
    )
    assert csv_rows(response)[1] == ['\'=HYPERLINK("http://evil")', "1", "100.0"]


def test_unknown_report_table_is_404(director):
    response = director.get(reverse("portals_manager:report_export", args=["salaries"]))

    assert response.status_code == 404


# Access


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.DIRECTOR, 200),
        (Role.MANAGER, 200),
        (Role.ADMIN, 200),
        (Role.WAREHOUSE, 403),
        (Role.COURIER, 403),
    ],
)
def test_reports_are_for_managers_and_the_director(english_client, role, expected):
    english_client.force_login(UserFactory(role=role))

    page = english_client.get(reverse("portals_manager:reports"))
    export = english_client.get(reverse("portals_manager:report_export", args=["funnel"]))
    home = english_client.get(reverse("portals_manager:home"))

    assert (page.status_code, export.status_code) == (expected, expected)
    has_link = reverse("portals_manager:reports") in home.content.decode()
    assert has_link is (expected == 200)


def test_clients_get_403_and_anonymous_users_the_login_page(english_client):
    url = reverse("portals_manager:reports")

    anonymous = english_client.get(url)
    english_client.force_login(ContactFactory().user)
    as_client = english_client.get(url)

    assert anonymous.status_code == 302
    assert anonymous.url == f"{reverse('accounts:login')}?next={url}"
    assert as_client.status_code == 403


def test_the_director_reads_but_cannot_post(director, sales):
    order = sales.place()
    events = OrderEvent.objects.count()

    response = director.post(reverse("portals_manager:reports"), MARCH)

    assert response.status_code == 405
    assert OrderEvent.objects.count() == events
    assert Order.objects.get(pk=order.pk).state == State.REQUEST


# Cost


def _build_orders(sales, count):
    for number in range(count):
        order = sales.place()
        if number % 5 == 0:
            sales.close_from_payment(order)
        else:
            sales.move(order, "cancel", reason=f"причина {number % 3}")


def _queries_for_reports(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("portals_manager:reports"))
    assert response.status_code == 200
    assert all(table.rows for table in response.context["tables"])
    return len(queries)


def test_reports_cost_a_fixed_number_of_queries(director, sales, django_assert_max_num_queries):
    _build_orders(sales, 5)
    # The session, the user and their permissions; the figures' version and one per sales
    # table; one per client-feedback table.
    with django_assert_max_num_queries(15):
        few = _queries_for_reports(director)

    _build_orders(sales, 45)
    many = _queries_for_reports(director)

    assert many <= few


def _funnel_requests(response) -> str:
    funnel = next(t for t in response.context["tables"] if t.slug == "funnel")
    return funnel.rows[0][1].text


def test_a_reload_reads_the_sales_figures_from_the_cache(
    director, sales, django_assert_max_num_queries
):
    _build_orders(sales, 5)
    first = director.get(reverse("portals_manager:reports"))

    # The session, the user and their permissions, the figures' version, the five feedback
    # tables (not cached: they are not order events).
    with django_assert_max_num_queries(10):
        again = director.get(reverse("portals_manager:reports"))
    export = director.get(reverse("portals_manager:report_export", args=["funnel"]))

    assert _funnel_requests(again) == _funnel_requests(first) == "5"
    assert csv_rows(export)[1][:2] == ["Request (pre-order)", "5"]


def test_a_reload_within_a_minute_shows_the_cached_figures_even_after_a_change(director, sales):
    _build_orders(sales, 5)
    url = reverse("portals_manager:reports")
    # A named period: near midnight the default one would change with the moved clock.
    today = timezone.localdate()
    period = {"date_from": today - timedelta(days=30), "date_to": today + timedelta(days=1)}
    director.get(url, period)

    sales.move(sales.place(), "cancel", reason="причина 0")

    with time_machine.travel(timezone.now() + timedelta(seconds=50)):
        assert _funnel_requests(director.get(url, period)) == "5"
    with time_machine.travel(timezone.now() + timedelta(seconds=70)):
        assert _funnel_requests(director.get(url, period)) == "6"


def test_older_figures_serve_while_no_order_changed_and_not_after(director, sales):
    _build_orders(sales, 5)
    export = reverse("portals_manager:report_export", args=["lost"])
    # A period named, not the default one ending today: the clock moved five minutes past
    # Moscow's midnight would start another period, another cache entry.
    today = timezone.localdate()
    period = {"date_from": today - timedelta(days=30), "date_to": today + timedelta(days=1)}
    first = csv_rows(director.get(export, period))

    later = timezone.now() + timedelta(minutes=5)
    with time_machine.travel(later):
        with CaptureQueriesContext(connection) as queries:
            unchanged = csv_rows(director.get(export, period))
        sales.move(sales.place(), "cancel", reason="причина 0")
        changed = csv_rows(director.get(export, period))
    expiry = time_machine.travel(later + timedelta(seconds=CACHE_SECONDS + 1))
    with expiry, CaptureQueriesContext(connection) as expired_queries:
        expired = csv_rows(director.get(export, period))

    assert unchanged == first
    assert first[1:] == [
        ["причина 1", "2", "50.0"],
        ["причина 0", "1", "25.0"],
        ["причина 2", "1", "25.0"],
    ]
    # The session, the user, their permissions (one query) and the figures' version: no
    # report query.
    assert len(queries) == 4, [q["sql"][:300] for q in queries.captured_queries]
    assert changed[1:] == [
        ["причина 0", "2", "40.0"],
        ["причина 1", "2", "40.0"],
        ["причина 2", "1", "20.0"],
    ]
    assert expired == changed
    assert len(expired_queries) == 5


def test_cached_figures_are_shared_only_by_users_who_see_the_same_orders(sales):
    from portals.manager.report_tables import TABLES, fetch_tables

    sales.place()
    client_contact = ContactFactory()
    period = ReportPeriod.default()
    director = UserFactory(role=Role.DIRECTOR)
    manager = UserFactory(role=Role.MANAGER)

    as_director = fetch_tables(TABLES, user=director, period=period)
    as_client = fetch_tables(TABLES, user=client_contact.user, period=period)
    manager.get_all_permissions()
    with CaptureQueriesContext(connection) as queries:
        as_manager = fetch_tables(TABLES, user=manager, period=period)

    assert as_director[0][1][0].reached == 1
    assert as_client[0][1] == []
    assert as_manager[0][1] == as_director[0][1]
    # Only the version was read: the manager sees what the director sees.
    assert len(queries) == 1


def test_the_services_keep_the_stays_the_events_imply(director, sales, clock, t0):
    """Each state change written by orders.services ends the order's stay and begins the
    next, as the migration's backfill derives them from the events; sent back by amending
    and entering the quote again is a second visit, not a second going on."""
    build_history(sales, clock, t0)
    sales.customer = CustomerFactory(kind=Customer.Kind.COMPANY)
    b2b = sales.move(sales.place(), "start_quote")
    quote = b2b.quotes.get(status="draft")
    quote_send(quote=quote, by=sales.manager)
    quote_accept(quote=quote, by=sales.manager)
    b2b = sales.move(Order.objects.get(pk=b2b.pk), "prepare_contract")
    order_amend(order=b2b, lines=[LineInput(item=sales.item, quantity=3)], by=sales.manager)
    fields = ("order_id", "kind", "order_created_at", "state", "entered_at", "left_at")
    fields += ("microseconds", "first_visit", "first_moved_on")

    # In the order they were written, which is each order's time order (the clock stands
    # still between some of them, so times alone do not order them).
    written = list(StageStay.objects.order_by("id").values_list(*fields))
    StageStay.objects.all().delete()
    stays_backfill(event_model=OrderEvent, stay_model=StageStay, connection=connection)

    backfilled = list(StageStay.objects.values_list(*fields))
    assert sorted(backfilled, key=repr) == sorted(written, key=repr)
    changes = OrderEvent.objects.exclude(to_state="").exclude(from_state=F("to_state"))
    assert len(written) == changes.count()
    assert [row[3] for row in written if row[5] is None].count(State.QUOTE) == 1
    b2b_stays = [(row[3], row[7], row[8]) for row in written if row[0] == b2b.pk]
    assert b2b_stays == [
        (State.REQUEST, True, True),
        (State.QUOTE, True, True),
        (State.CONTRACT, True, False),
        (State.QUOTE, False, False),
    ]


def test_the_services_keep_each_sales_first_closing_on_the_order(director, sales, clock, t0):
    """Closing from delivery or payment writes `closed_at` once, as the migration's backfill
    derives it from the events; a service and closing again do not move it."""
    build_history(sales, clock, t0)
    closed = Order.objects.filter(state=State.CLOSED).order_by("pk")
    hour = timedelta(hours=1)
    assert [order.closed_at for order in closed] == [t0 + 58 * hour, t0 + 59 * hour]
    written = dict(Order.objects.values_list("pk", "closed_at"))
    Order.objects.update(closed_at=None)

    closings_backfill(order_model=Order, event_model=OrderEvent, connection=connection)

    assert dict(Order.objects.values_list("pk", "closed_at")) == written


def test_the_sales_tables_read_the_stays_and_the_closings_once_each(sales, clock, t0):
    from portals.manager.report_tables import TABLES, fetch_tables

    build_history(sales, clock, t0)
    director = UserFactory(role=Role.DIRECTOR)
    director.get_all_permissions()
    period = ReportPeriod(date_from=date(2025, 3, 1), date_to=date(2025, 3, 31))

    with CaptureQueriesContext(connection) as queries:
        tables = dict(fetch_tables(TABLES, user=director, period=period))

    # The figures' version, the stays (funnel and stage times), the lost orders, the
    # closings (revenue by month and by manager).
    assert len(queries) == 4, [q["sql"][:300] for q in queries.captured_queries]
    assert all(tables.values())
