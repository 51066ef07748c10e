"""A 1C query reads only what may have changed since the profile's last pass, and answers
exactly what reading every order would (the reference below is the query before marks).

A test runs in seconds, within the margin a pass looks back for writes still in flight:
the tests take it away, so the window starts exactly when the last pass did, as on a
base whose orders last changed long before. One test puts it back.
"""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from customers.models import Customer
from integrations.onec.models import (
    ExchangeSession,
    IntegrationProfile,
    OrderExchange,
    OrderExportMark,
)
from integrations.onec.sale_exchange import order_exchange_resend, sale_query, sale_success
from integrations.onec.selectors import order_list_to_export
from orders.lifecycle import State
from orders.models import Order
from orders.services import order_transition
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_margin(settings):
    settings.ONEC_EXPORT_MARGIN_SECONDS = 0


def _reference(profile, limit=200) -> list[str]:
    """Every order read, as the query did before export marks."""
    exchanges = OrderExchange.objects.filter(profile=profile, order=OuterRef("pk"))
    up_to_date = exchanges.filter(acknowledged_version__gte=OuterRef("version"))
    known_and_changed = exchanges.filter(acknowledged_version__lt=OuterRef("version"))
    new_and_exported = Q(kind__in=profile.exported_kinds, state__in=profile.exported_states)
    return list(
        Order.objects.filter(new_and_exported | Q(Exists(known_and_changed)))
        .exclude(Exists(up_to_date))
        .order_by("created_at", "pk")
        .values_list("number", flat=True)[:limit]
    )


def _query(profile) -> list[str]:
    """One `query`: the numbers of the orders it returned (sent and held), checked against
    the reference read just before."""
    expected = _reference(profile)
    assert [order.number for order in order_list_to_export(profile=profile)] == expected
    answer = sale_query(profile=profile, session=None)
    returned = answer.log_entry.orders_sent + [
        held["number"] for held in answer.log_entry.orders_held
    ]
    assert sorted(returned) == sorted(expected)
    return expected


def _acknowledge_all(profile) -> None:
    while _query(profile):
        sale_success(profile=profile, session=None)


def _retail(make_order):
    return make_order(customer=CustomerFactory(kind=Customer.Kind.PERSON))


def test_a_new_profile_reads_every_order_and_leaves_a_mark(profile, make_order):
    orders = [make_order(), make_order()]
    assert not OrderExportMark.objects.exists()

    assert _query(profile) == [order.number for order in orders]

    mark = OrderExportMark.objects.get(profile=profile)
    assert mark.after_created_at is None
    assert mark.exported_states == profile.exported_states
    assert mark.full_pass_at == mark.passed_at
    _query(profile)
    assert OrderExportMark.objects.get(profile=profile).full_pass_at == mark.full_pass_at


def test_an_order_changed_after_the_pass_goes_again(profile, make_order, manager):
    first, changed, last = make_order(), make_order(), make_order()
    _acknowledge_all(profile)
    assert _query(profile) == []

    order_transition(order=changed, transition="cancel", by=manager, reason="Передумал")

    assert _query(profile) == [changed.number]
    sale_success(profile=profile, session=None)
    assert _query(profile) == []
    assert {first.number, last.number}.isdisjoint(_reference(profile))


def test_a_write_committed_after_the_pass_began_is_not_missed(
    profile, make_order, manager, settings
):
    settings.ONEC_EXPORT_MARGIN_SECONDS = 600
    order = make_order()
    _acknowledge_all(profile)
    _query(profile)
    order_transition(order=order, transition="cancel", by=manager, reason="Передумал")
    # Its transaction stamped the row before the last pass started and committed after
    # that pass read: within the margin the next pass looks back.
    mark = OrderExportMark.objects.get(profile=profile)
    Order.objects.filter(pk=order.pk).update(updated_at=mark.passed_at - timedelta(minutes=5))

    assert _query(profile) == [order.number]


def test_an_order_sent_and_not_acknowledged_goes_until_1c_confirms(profile, make_order):
    order = make_order()
    assert _query(profile) == [order.number]
    for _poll in range(3):
        assert _query(profile) == [order.number]  # 1C never said success

    sale_success(profile=profile, session=None)
    assert _query(profile) == []


def test_an_older_version_confirmed_after_the_mark_moved_sends_the_order_again(
    profile, make_order, manager
):
    order = make_order()
    first_session = ExchangeSession.objects.create(profile=profile, token_hash="1" * 64)
    sale_query(profile=profile, session=first_session)
    # Cancelled while 1C holds version 1 unconfirmed: no longer exported, so another
    # session's query leaves it out and the mark moves past the cancellation.
    order_transition(order=order, transition="cancel", by=manager, reason="Передумал")
    assert _query(profile) == []
    sale_success(profile=profile, session=first_session)
    assert OrderExchange.objects.get(order=order).acknowledged_version == 1

    assert _query(profile) == [order.number]


def test_a_held_order_is_checked_at_every_query_and_goes_once_fixed(profile, make_order):
    good, bad = make_order(), make_order()
    Customer.objects.filter(pk=bad.customer_id).update(name="  ")
    assert _query(profile) == [good.number, bad.number]
    sale_success(profile=profile, session=None)
    for _poll in range(2):
        assert _query(profile) == [bad.number]
        assert OrderExchange.objects.get(order=bad).held_reason

    # The buyer is fixed, the order itself is not written: it still goes.
    Customer.objects.filter(pk=bad.customer_id).update(name="ООО Ромашка")
    assert _query(profile) == [bad.number]
    assert not OrderExchange.objects.get(order=bad).held_reason


def test_send_again_reaches_an_order_the_mark_left_behind(profile, make_order):
    order, other = make_order(), make_order()
    _acknowledge_all(profile)
    assert _query(profile) == []

    order_exchange_resend(exchange=OrderExchange.objects.get(profile=profile, order=order))

    assert _query(profile) == [order.number]
    assert other.number not in _reference(profile)


def test_an_order_exported_once_its_state_is(profile, make_order, manager):
    IntegrationProfile.objects.filter(pk=profile.pk).update(exported_states=[State.PAYMENT])
    profile.refresh_from_db()
    order = _retail(make_order)
    assert _query(profile) == []

    order_transition(order=order, transition="request_payment", by=manager)

    assert _query(profile) == [order.number]


def test_exported_states_changed_make_the_next_pass_read_every_order(profile, make_order, manager):
    IntegrationProfile.objects.filter(pk=profile.pk).update(exported_states=[State.REQUEST])
    profile.refresh_from_db()
    waiting = order_transition(order=_retail(make_order), transition="request_payment", by=manager)
    requested = make_order()
    _acknowledge_all(profile)

    IntegrationProfile.objects.filter(pk=profile.pk).update(
        exported_states=[State.REQUEST, State.PAYMENT]
    )
    profile.refresh_from_db()

    assert _query(profile) == [waiting.number]
    assert requested.number not in _reference(profile)


def test_a_write_the_window_cannot_see_is_found_by_the_daily_full_pass(profile, make_order):
    order = make_order()
    _acknowledge_all(profile)
    # SQL by hand: a new version without `updated_at`, as no service writes it.
    Order.objects.filter(pk=order.pk).update(version=order.version + 1)
    assert [o.number for o in order_list_to_export(profile=profile)] == []

    OrderExportMark.objects.update(full_pass_at=timezone.now() - timedelta(hours=24))

    assert _query(profile) == [order.number]
    assert OrderExportMark.objects.get(profile=profile).full_pass_at > timezone.now() - timedelta(
        minutes=1
    )


def test_a_first_exchange_larger_than_a_batch_goes_on_from_where_the_last_batch_ended(
    profile, make_order, manager, monkeypatch
):
    monkeypatch.setattr("integrations.onec.sale_exchange.BATCH_SIZE", 3)
    orders = [make_order() for _index in range(8)]
    numbers = [order.number for order in orders]

    assert _query_batch(profile, 3) == numbers[:3]
    mark = OrderExportMark.objects.get(profile=profile)
    assert (mark.after_created_at, mark.after_pk) == (
        Order.objects.get(pk=orders[2].pk).created_at,
        orders[2].pk,
    )
    sale_success(profile=profile, session=None)
    # An order of the first batch changes meanwhile: it is older, so it comes first.
    order_transition(order=orders[1], transition="cancel", by=manager, reason="Передумал")
    assert _query_batch(profile, 3) == [numbers[1], numbers[3], numbers[4]]
    sale_success(profile=profile, session=None)
    assert _query_batch(profile, 3) == numbers[5:8]
    assert OrderExportMark.objects.get(profile=profile).after_pk == orders[7].pk
    sale_success(profile=profile, session=None)
    assert _query_batch(profile, 3) == []
    assert OrderExportMark.objects.get(profile=profile).after_pk is None


def _query_batch(profile, limit) -> list[str]:
    expected = _reference(profile, limit)
    assert [
        order.number for order in order_list_to_export(profile=profile, limit=limit)
    ] == expected
    answer = sale_query(profile=profile, session=None)
    assert answer.log_entry.orders_sent == expected
    return expected


def _orders_rows_read(sql: str, params) -> int:
    """Rows of orders_order the statement's plan read, counted over every loop."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan

    def walk(node) -> int:
        read = 0
        if node.get("Relation Name") == "orders_order":
            removed = node.get("Rows Removed by Filter", 0) + node.get(
                "Rows Removed by Index Recheck", 0
            )
            read = (node["Actual Rows"] + removed) * node["Actual Loops"]
        return read + sum(walk(child) for child in node.get("Plans", []))

    return walk(plan[0]["Plan"])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL plan")
def test_a_poll_of_an_acknowledged_base_does_not_read_its_orders(profile, make_order, manager):
    orders = [make_order() for _index in range(30)]
    _acknowledge_all(profile)
    _query(profile)
    order_transition(order=orders[10], transition="cancel", by=manager, reason="Передумал")

    def rows_read() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert [order.number for order in order_list_to_export(profile=profile)] == [
                orders[10].number
            ]
        selects = [
            query["sql"]
            for query in queries.captured_queries
            # The prefetches join the orders they were given only for their ordering.
            if query["sql"].startswith("SELECT") and 'FROM "orders_order"' in query["sql"]
        ]
        # The captured SQL has its parameters inlined; it runs as it was sent.
        return sum(_orders_rows_read(sql, None) for sql in selects)

    with connection.cursor() as cursor:
        # The planner would scan a table this small whole: make it choose as at a million.
        cursor.execute("SET enable_seqscan = off")
    try:
        windowed = rows_read()
        OrderExportMark.objects.filter(profile=profile).delete()
        full = rows_read()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET enable_seqscan")

    assert full >= len(orders)
    # The changed order, once to find it and once to load it.
    assert windowed == 2
