"""The reports' figures from a history whose every stay is known, to the minute.

The events are written with explicit times (time-machine) rather than through the
services, so that ties, changes outside the period and events that change no state can
be placed exactly, each with the stay the services would write for it; the portal's
tests build their history through the services.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import EmptyResultSet
from django.db import connection

from accounts.roles import Role
from orders.closings import closing_record, closings_backfill
from orders.lifecycle import OrderKind, State
from orders.models import Order, OrderEvent, StageStay
from orders.reports import (
    FunnelRow,
    ReportPeriod,
    RevenueByManagerRow,
    RevenueByMonthRow,
    StageTimeRow,
    report_funnel,
    report_lost_by_reason,
    report_revenue_by_manager,
    report_revenue_by_month,
    report_stage_times,
)
from orders.stage_stays import stay_record, stays_backfill
from tests.factories import UserFactory
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db

MOSCOW = ZoneInfo("Europe/Moscow")
T0 = datetime(2025, 3, 3, 9, 0, tzinfo=MOSCOW)
MARCH = ReportPeriod(date_from=date(2025, 3, 1), date_to=date(2025, 3, 31))
H = timedelta(hours=1)
M = timedelta(minutes=1)
# Of the twenty retail orders, these are cancelled, with the reason given.
CANCELLED = {6: "Дорого", 8: "Передумал"}


def _order(at, **fields):
    with time_machine.travel(at, tick=False):
        return OrderFactory(**fields)


def _event(order, at, action, from_state, to_state):
    """An event at `at`, and its stay and the sale's closing as orders.services would
    write them."""
    with time_machine.travel(at, tick=False):
        event = OrderEvent.objects.create(
            order=order, action=action, from_state=from_state, to_state=to_state
        )
    stay_record(event)
    closing_record(event)
    return event


@pytest.fixture
def history(db):
    """Twenty retail orders created at T0 and a few that test one rule each.

    request: order i leaves for payment after i hours (1..20).
    payment: orders 1-5 pay after 10..50 min; order 6 is cancelled at the very moment it
    entered (a tie, ordered by id); order 7 pays after 60 min with a payment recorded and a
    note between (no change of state: not the end of the stay); order 8 is cancelled on
    10 April, after the period, which still counts: the period picks orders by creation.
    production: orders 1-3 ship after 24, 48 and 72 h. delivery: 30 h, then orders 1-2 close
    in March, order 3 in April.
    """
    anna = UserFactory(role=Role.MANAGER, first_name="Анна", last_name="Петрова")
    boris = UserFactory(role=Role.MANAGER, first_name="Борис", last_name="Иванов")
    for number in range(1, 21):
        order = _order(
            T0,
            state=State.CANCELLED if number in CANCELLED else State.PAYMENT,
            cancel_reason=CANCELLED.get(number, ""),
            manager=boris if number == 2 else anna,
            total=Decimal("1000.50") * number,
        )
        _event(order, T0, "create", "", State.REQUEST)
        entered_payment = T0 + number * H
        _event(order, entered_payment, "request_payment", State.REQUEST, State.PAYMENT)
        if number <= 5:
            paid = entered_payment + 10 * number * M
            _event(order, paid, "start_production", State.PAYMENT, State.PRODUCTION)
            if number <= 3:
                shipped = paid + 24 * number * H
                _event(order, shipped, "ship", State.PRODUCTION, State.DELIVERY)
                closed = shipped + 30 * H if number < 3 else datetime(2025, 4, 2, tzinfo=MOSCOW)
                _event(order, closed, "close", State.DELIVERY, State.CLOSED)
        elif number == 6:
            _event(order, entered_payment, "cancel", State.PAYMENT, State.CANCELLED)
        elif number == 7:
            _event(
                order, entered_payment + 20 * M, "payment_recorded", State.PAYMENT, State.PAYMENT
            )
            _event(order, entered_payment + 30 * M, "note", State.PAYMENT, "")
            _event(
                order, entered_payment + 60 * M, "start_production", State.PAYMENT, State.PRODUCTION
            )
        elif number == 8:
            april = datetime(2025, 4, 10, 9, 0, tzinfo=MOSCOW)
            _event(order, april, "cancel", State.PAYMENT, State.CANCELLED)

    # A company order sent back from the contract to the quote and on to the contract again.
    b2b = _order(T0, state=State.CONTRACT, manager=anna)
    _event(b2b, T0, "create", "", State.REQUEST)
    _event(b2b, T0 + 1 * H, "start_quote", State.REQUEST, State.QUOTE)
    _event(b2b, T0 + 3 * H, "prepare_contract", State.QUOTE, State.CONTRACT)
    _event(b2b, T0 + 6 * H, "amend", State.CONTRACT, State.QUOTE)
    _event(b2b, T0 + 10 * H, "prepare_contract", State.QUOTE, State.CONTRACT)

    # Created in February: out of the funnel and the stage times; its March closing is revenue.
    february = _order(datetime(2025, 2, 20, 12, 0, tzinfo=MOSCOW), total=Decimal("777.77"))
    _event(february, datetime(2025, 2, 20, 12, 0, tzinfo=MOSCOW), "create", "", State.REQUEST)
    _event(february, T0 + 2 * H, "close", State.DELIVERY, State.CLOSED)
    # Closed again after an after-sales service: its total counts once, at the first closing.
    _event(february, T0 + 5 * H, "start_service", State.CLOSED, State.SERVICE)
    _event(february, T0 + 9 * H, "close", State.SERVICE, State.CLOSED)
    # A support ticket is not a sale.
    ticket = _order(T0, kind=OrderKind.SUPPORT, total=Decimal("5.00"))
    _event(ticket, T0, "create", "", State.NEW)
    _event(ticket, T0 + H, "close", State.DELIVERY, State.CLOSED)
    return UserFactory(role=Role.DIRECTOR)


def test_stage_times_average_and_nearest_rank_90th_percentile(history):
    rows = report_stage_times(user=history, period=MARCH)

    payment = [10 * M, 20 * M, 30 * M, 40 * M, 50 * M, 0 * M, 60 * M]
    payment.append(datetime(2025, 4, 10, 9, tzinfo=MOSCOW) - (T0 + 8 * H))
    delivery_april = datetime(2025, 4, 2, tzinfo=MOSCOW) - (T0 + 3 * H + 30 * M + 72 * H)
    assert rows == [
        StageTimeRow(
            state=State.REQUEST,
            visits=21,
            average=(sum(range(1, 21)) + 1) * H / 21,
            p90=18 * H,
        ),
        StageTimeRow(state=State.QUOTE, visits=2, average=3 * H, p90=4 * H),
        StageTimeRow(state=State.CONTRACT, visits=1, average=3 * H, p90=3 * H),
        StageTimeRow(
            state=State.PAYMENT,
            visits=8,
            average=sum(payment, timedelta()) / 8,
            p90=datetime(2025, 4, 10, 9, tzinfo=MOSCOW) - (T0 + 8 * H),
        ),
        StageTimeRow(state=State.PRODUCTION, visits=3, average=48 * H, p90=72 * H),
        StageTimeRow(
            state=State.DELIVERY,
            visits=3,
            average=(30 * H + 30 * H + delivery_april) / 3,
            p90=delivery_april,
        ),
    ]


def test_funnel_counts_each_order_once_per_stage(history):
    rows = report_funnel(user=history, period=MARCH)

    def row(state, reached, moved_on, share, conversion):
        return FunnelRow(
            state=state,
            reached=reached,
            moved_on=moved_on,
            share_of_first=Decimal(share) if share is not None else None,
            conversion=Decimal(conversion) if conversion is not None else None,
        )

    assert rows == [
        row(State.REQUEST, 21, 21, "100.0", "100.0"),
        row(State.QUOTE, 1, 1, "4.8", "100.0"),
        # Sent back to the quote is not going on; the second contract is a stay still open.
        row(State.CONTRACT, 1, 0, "4.8", "0.0"),
        row(State.PAYMENT, 20, 6, "95.2", "30.0"),
        row(State.PRODUCTION, 6, 3, "28.6", "50.0"),
        row(State.DELIVERY, 3, 3, "14.3", "100.0"),
        row(State.CLOSED, 3, None, "14.3", None),
    ]


def test_revenue_counts_first_closings_in_the_period_by_month_and_manager(history):
    by_month = report_revenue_by_month(user=history, period=MARCH)
    by_manager = report_revenue_by_manager(user=history, period=MARCH)

    assert by_month == [
        RevenueByMonthRow(
            month=date(2025, 3, 1), currency="RUB", orders=3, amount=Decimal("3779.27")
        ),
    ]
    anna, boris = ("Анна Петрова", "Борис Иванов")
    assert [(row.manager_name, row.currency, row.orders, row.amount) for row in by_manager] == [
        (boris, "RUB", 1, Decimal("2001.00")),
        (anna, "RUB", 1, Decimal("1000.50")),
        ("", "RUB", 1, Decimal("777.77")),
    ]
    assert all(isinstance(row, RevenueByManagerRow) for row in by_manager)


def test_revenue_spans_months_of_a_longer_period(history):
    spring = ReportPeriod(date_from=date(2025, 2, 1), date_to=date(2025, 4, 30))

    rows = report_revenue_by_month(user=history, period=spring)

    assert [(row.month, row.orders, row.amount) for row in rows] == [
        (date(2025, 3, 1), 3, Decimal("3779.27")),
        (date(2025, 4, 1), 1, Decimal("3001.50")),
    ]


def test_lost_orders_by_reason(history):
    rows = report_lost_by_reason(user=history, period=MARCH)

    assert [(row.reason, row.orders, row.share) for row in rows] == [
        ("Дорого", 1, Decimal("50.0")),
        ("Передумал", 1, Decimal("50.0")),
    ]


def test_a_client_reads_only_their_own_companys_orders(history):
    from tests.factories import ContactFactory

    contact = ContactFactory()
    mine = _order(T0, customer=contact.customer, total=Decimal("10.00"))
    _event(mine, T0, "create", "", State.REQUEST)
    _event(mine, T0 + 5 * H, "request_payment", State.REQUEST, State.PAYMENT)

    rows = report_stage_times(user=contact.user, period=MARCH)
    funnel = report_funnel(user=contact.user, period=MARCH)

    assert rows == [StageTimeRow(state=State.REQUEST, visits=1, average=5 * H, p90=5 * H)]
    assert [(row.state, row.reached) for row in funnel][:1] == [(State.REQUEST, 1)]
    # Staff without a role see no orders, so no figures.
    nobody = UserFactory()
    assert report_stage_times(user=nobody, period=MARCH) == []
    assert report_funnel(user=nobody, period=MARCH) == []
    assert report_revenue_by_month(user=nobody, period=MARCH) == []


STAY_FIELDS = (
    "order_id",
    "kind",
    "order_created_at",
    "state",
    "entered_at",
    "left_at",
    "microseconds",
    "first_visit",
    "first_moved_on",
)


def _stays():
    """Each order's stays in time order; of two begun at once, the one already ended first."""
    rows = StageStay.objects.values_list(*STAY_FIELDS)
    return sorted(rows, key=lambda row: (row[0], row[4], row[5] is None, row[5] or row[4]))


def test_the_backfill_writes_the_stays_written_with_the_events(history):
    """The migration's backfill (SQL on PostgreSQL, Python elsewhere) and the writer agree,
    ties in time and events that change no state included."""
    written = _stays()
    StageStay.objects.all().delete()

    stays_backfill(event_model=OrderEvent, stay_model=StageStay, connection=connection)

    assert _stays() == written
    b2b_quote = [row for row in written if row[3] == State.QUOTE]
    # Sent back to the quote and on again: two stays, one first visit, one first going on.
    assert [(row[7], row[8]) for row in b2b_quote] == [(True, True), (False, False)]
    assert sum(row[5] is None for row in written) == len({row[0] for row in written})


def test_the_backfill_writes_the_closings_written_with_the_events(history):
    """Each sale's first closing from delivery or payment, as the migration derives it;
    closing again after a service does not move it."""
    written = dict(Order.objects.values_list("pk", "closed_at"))
    Order.objects.update(closed_at=None)

    closings_backfill(order_model=Order, event_model=OrderEvent, connection=connection)

    assert dict(Order.objects.values_list("pk", "closed_at")) == written
    assert sum(at is not None for at in written.values()) == 5
    february = Order.objects.get(total=Decimal("777.77"))
    assert february.closed_at == T0 + 2 * H


# The reports as they were read before the stays and the closings were read once per page:
# the figures must not change with the method.


OLD_STAGE_TIMES_SQL = """
SELECT s.state, COUNT(*), SUM(s.microseconds),
    percentile_disc(%s) WITHIN GROUP (ORDER BY s.microseconds)
FROM ({stays}) AS s GROUP BY s.state
"""


def _old_stage_times_and_funnel(user, period):
    from collections import defaultdict

    from django.db.models import Count, Q

    from orders.reports import (
        FUNNEL_STAGES,
        P90,
        TIMED_STAGES,
        _percent,
        _period_stays,
        percentile,
    )

    stays = _period_stays(user=user, period=period)
    counts = {
        row["state"]: (row["reached"], row["moved_on"])
        for row in stays.filter(Q(first_visit=True) | Q(first_moved_on=True))
        .values("state")
        .annotate(
            reached=Count("state", filter=Q(first_visit=True)),
            moved_on=Count("state", filter=Q(first_moved_on=True)),
        )
    }
    funnel = []
    if counts:
        first = counts.get(State.REQUEST, (0, 0))[0]
        for state in FUNNEL_STAGES:
            count, moved_on = counts.get(state, (0, 0))
            moved_on = None if state == State.CLOSED else moved_on
            funnel.append(
                FunnelRow(
                    state=state,
                    reached=count,
                    moved_on=moved_on,
                    share_of_first=_percent(count, first),
                    conversion=_percent(moved_on, count) if moved_on is not None else None,
                )
            )
    finished = stays.filter(microseconds__isnull=False, state__in=TIMED_STAGES)
    if connection.vendor == "postgresql":
        try:
            sql, params = finished.values_list("state", "microseconds").query.sql_with_params()
        except EmptyResultSet:
            sql, params = "SELECT '' AS state, 0 AS microseconds WHERE false", ()
        with connection.cursor() as cursor:
            cursor.execute(OLD_STAGE_TIMES_SQL.format(stays=sql), [P90, *params])
            sums = {
                state: (n, timedelta(microseconds=int(total)), timedelta(microseconds=p90))
                for state, n, total, p90 in cursor.fetchall()
            }
    else:
        durations = defaultdict(list)
        for state, microseconds in finished.values_list("state", "microseconds"):
            durations[state].append(timedelta(microseconds=microseconds))
        sums = {
            state: (len(values), sum(values, timedelta()), percentile(values, P90))
            for state, values in durations.items()
        }
    times = [
        StageTimeRow(
            state=state,
            visits=sums[state][0],
            average=sums[state][1] / sums[state][0],
            p90=sums[state][2],
        )
        for state in TIMED_STAGES
        if state in sums
    ]
    return funnel, times


def _old_revenue(user, period):
    from django.db.models import Count, DateField, Q, Sum
    from django.db.models.functions import TruncMonth

    from orders.reports import _money
    from orders.selectors import order_scope_condition, order_scope_for_user

    closings = OrderEvent.objects.filter(
        order_scope_condition(order_scope_for_user(user=user), through="order__"),
        ~Q(order__kind=OrderKind.SUPPORT),
        to_state=State.CLOSED,
        from_state__in=(State.DELIVERY, State.PAYMENT),
        created_at__gte=period.start,
        created_at__lt=period.end,
    ).order_by()
    by_month = [
        (row["month"], row["order__currency"], row["orders"], _money(row["amount"]))
        for row in closings.annotate(month=TruncMonth("created_at", output_field=DateField()))
        .values("month", "order__currency")
        .annotate(orders=Count("order_id"), amount=Sum("order__total"))
        .order_by("month", "order__currency")
    ]
    by_manager = [
        (row["order__manager_id"], row["order__currency"], row["orders"], _money(row["amount"]))
        for row in closings.values("order__manager_id", "order__currency")
        .annotate(orders=Count("order_id"), amount=Sum("order__total"))
        .order_by("-amount", "order__manager_id", "order__currency")
    ]
    return by_month, by_manager


PERIODS = (
    MARCH,
    ReportPeriod(date_from=date(2025, 2, 1), date_to=date(2025, 4, 30)),
    ReportPeriod(date_from=date(2025, 3, 3), date_to=date(2025, 3, 3)),
    ReportPeriod(date_from=date(2025, 4, 1), date_to=date(2025, 4, 30)),
)


@pytest.mark.parametrize("period", PERIODS)
def test_the_figures_are_those_of_the_former_queries(history, period):
    from tests.factories import ContactFactory

    contact = ContactFactory()
    mine = _order(T0, customer=contact.customer, total=Decimal("10.00"))
    _event(mine, T0, "create", "", State.REQUEST)
    _event(mine, T0 + 5 * H, "request_payment", State.REQUEST, State.PAYMENT)
    _event(mine, T0 + 6 * H, "close", State.PAYMENT, State.CLOSED)

    for user in (history, contact.user, UserFactory()):
        funnel, times = _old_stage_times_and_funnel(user, period)
        by_month, by_manager = _old_revenue(user, period)

        assert report_funnel(user=user, period=period) == funnel
        assert report_stage_times(user=user, period=period) == times
        new_by_month = report_revenue_by_month(user=user, period=period)
        assert [(r.month, r.currency, r.orders, r.amount) for r in new_by_month] == by_month
        new_by_manager = report_revenue_by_manager(user=user, period=period)
        assert [
            (r.manager_id, r.currency, r.orders, r.amount) for r in new_by_manager
        ] == by_manager
