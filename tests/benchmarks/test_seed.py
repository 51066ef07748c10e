"""The benchmark's seeder (bench/seed.py) still fills the current schema: 300 orders in the test
database, with foreign keys checked, read back through the app's own selectors and reports."""

from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, Sum
from django.utils import timezone

from bench import seed
from orders.actions import OrderAction
from orders.lifecycle import State
from tests.conftest import _database_url_of_test_database

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the seeder writes PostgreSQL SQL"
    ),
]

ORDERS = 300
CUSTOMERS = 20
BIG_CLIENT_ORDERS = 50


@pytest.fixture
def seeded():
    managers = seed.create_logins()
    with connection.cursor() as cursor:
        counts = seed.seed(
            cursor,
            orders=ORDERS,
            customers=CUSTOMERS,
            big_client_orders=BIG_CLIENT_ORDERS,
            managers=managers,
            now=timezone.now(),
        )
    seed.finish_logins()
    # The foreign keys are deferred to the commit a test never reaches: check them now.
    connection.check_constraints()
    return counts


def test_it_seeds_customers_orders_lines_events_and_money(seeded):
    from orders.models import Invoice, Order, OrderEvent, OrderLine, Payment, Quote

    assert seeded["customers_customer"] == CUSTOMERS
    assert seeded["orders_order"] == Order.objects.count() == ORDERS
    sales = Order.objects.exclude(kind="support")
    assert OrderLine.objects.count() == seed.LINES_PER_ORDER * sales.count()
    assert 5.5 <= OrderEvent.objects.count() / ORDERS <= 7.5
    assert Quote.objects.exists()
    assert Invoice.objects.exists()
    assert Payment.objects.exists()
    # Every total is its lines' sum, and what was invoiced and paid is the total.
    for order in sales.annotate(lines_total=Sum("lines__line_total"))[:50]:
        assert order.total == order.lines_total > 0
    for payment in Payment.objects.select_related("order")[:50]:
        assert payment.amount == payment.order.total
        assert payment.order.amount_paid() == payment.order.total


def test_states_spread_over_three_years_as_the_events_say(seeded):
    from orders.models import Order, OrderEvent

    states = Counter(Order.objects.values_list("state", flat=True))
    assert set(states) <= set(State.values)
    assert states[State.CLOSED] > ORDERS / 2
    assert states[State.CANCELLED] > 0
    assert sum(states[state] for state in (State.CLOSED, State.CANCELLED)) < ORDERS
    assert set(OrderEvent.objects.values_list("action", flat=True)) <= set(OrderAction.values)
    first, last = (
        Order.objects.order_by("created_at").first(),
        Order.objects.order_by("created_at").last(),
    )
    days = (last.created_at - first.created_at).days
    assert seed.SPAN_DAYS * (ORDERS - 1) / ORDERS - 1 <= days <= seed.SPAN_DAYS
    # An order's state is where its last event left it, and its events run in time order.
    for order in Order.objects.order_by("?")[:60]:
        events = list(order.events.order_by("id"))
        assert events[0].action == OrderAction.CREATED
        assert events[-1].to_state == order.state
        assert order.state_changed_at >= events[-1].created_at - timezone.timedelta(seconds=1)
        times = [event.created_at for event in events]
        assert times == sorted(times)
    assert OrderEvent.objects.filter(feed_position__isnull=True).count() == 0


def test_the_logins_see_what_the_pages_show(seeded):
    from accounts.models import User
    from orders import reports
    from orders.selectors import order_desk_list, order_list_for_user

    client = User.objects.get(username=seed.CLIENT_USERNAME)
    mine = order_list_for_user(user=client)
    assert mine.count() == BIG_CLIENT_ORDERS
    assert set(mine.values_list("customer_id", flat=True)) == {seed.BIG_CLIENT_ID}
    manager = User.objects.get(username=seed.MANAGER_USERNAME)
    assert len(order_desk_list(user=manager)[:50]) == 50
    assert order_desk_list(user=manager, query="ромаш").exists()
    director = User.objects.get(username=seed.DIRECTOR_USERNAME)
    funnel = reports.report_funnel(user=director, period=reports.ReportPeriod.default())
    assert funnel
    assert funnel[0].reached > 0
    from orders.models import Order

    managed = Order.objects.values("manager").annotate(n=Count("id"))
    assert len([row for row in managed if row["manager"] is not None]) == seed.MANAGERS
    assert Decimal(0) not in set(
        Order.objects.exclude(kind="support").values_list("total", flat=True)
    )


@pytest.mark.django_db(transaction=True)
def test_fast_builds_every_dropped_index_again_on_a_second_connection(role_groups):
    """The bench databases' way: tables committed as they load, their indexes dropped for it
    and built on another connection meanwhile. Every index is back, and still valid."""
    listed = "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)"

    def indexes():
        with connection.cursor() as cursor:
            cursor.execute(listed, [list(seed.SEEDED_TABLES)])
            return sorted(cursor.fetchall())

    before = indexes()
    managers = seed.create_logins()
    timings = {}
    with connection.cursor() as cursor:
        counts = seed.seed(
            cursor,
            orders=ORDERS,
            customers=CUSTOMERS,
            big_client_orders=BIG_CLIENT_ORDERS,
            managers=managers,
            fast=True,
            index_conninfo=_database_url_of_test_database(),
            index_settings=["SET maintenance_work_mem = '64MB'"],
            timings=timings,
        )
        cursor.execute(
            "SELECT count(*) FROM pg_index AS i JOIN pg_class AS c ON c.oid = i.indrelid "
            "WHERE c.relname = ANY(%s) AND NOT i.indisvalid",
            [list(seed.SEEDED_TABLES)],
        )
        invalid = cursor.fetchone()[0]

    assert indexes() == before
    assert invalid == 0
    assert counts["orders_order"] == ORDERS
    assert "index builds on the second connection" in timings


def test_the_seeded_orders_keep_their_closings_as_the_services_would(seeded):
    """`Order.closed_at` is what migration 0031's backfill derives from the seeded events."""
    from django.db import connection

    from orders.closings import closings_backfill
    from orders.models import Order, OrderEvent

    seeded_closings = dict(Order.objects.values_list("pk", "closed_at"))
    Order.objects.update(closed_at=None)

    closings_backfill(order_model=Order, event_model=OrderEvent, connection=connection)

    assert dict(Order.objects.values_list("pk", "closed_at")) == seeded_closings
    assert sum(at is not None for at in seeded_closings.values()) > 0
