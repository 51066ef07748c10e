"""The change feed: every order change once, in commit order, with opaque cursors."""

import threading

import pytest
from celery import current_app
from django.db import connection, connections

import orders.tasks
from accounts.roles import Role
from orders.models import OrderEvent
from orders.services import payment_record
from tests.api.helpers import assert_problem
from tests.orders.factories import OrderFactory


def _poll(api, after=None, limit=100):
    query = {"limit": limit, **({"after": after} if after else {})}
    response = api.get("/api/v1/changes/", query)
    assert response.status_code == 200, response.json()
    return response.json()


@pytest.mark.django_db
def test_pages_follow_the_cursor_and_an_empty_page_keeps_it(manager_api):
    orders = OrderFactory.create_batch(3)
    for order in orders:
        payment_record(order=order, amount=1, by=None, reference="r")

    first = _poll(manager_api, limit=2)
    second = _poll(manager_api, first["next"], limit=2)
    empty = _poll(manager_api, second["next"])

    rows = first["results"] + second["results"]
    assert [row["order"] for row in rows] == [order.pk for order in orders]
    assert rows[0].keys() == {"cursor", "order", "number", "state", "action", "changed_at"}
    assert rows[0]["action"] == "payment_recorded"
    assert rows[0]["number"] == orders[0].number
    assert rows[0]["state"] == "request"
    assert second["next"] == rows[-1]["cursor"]
    assert empty == {"results": [], "next": second["next"]}

    payment_record(order=orders[0], amount=1, by=None, reference="r2")
    assert [row["order"] for row in _poll(manager_api, empty["next"])["results"]] == [orders[0].pk]


@pytest.mark.django_db
@pytest.mark.parametrize("cursor", ["garbage!", "cDE=x", "eDE", "%%%"])
def test_a_bad_cursor_is_a_400_problem(manager_api, cursor):
    response = manager_api.get("/api/v1/changes/", {"after": cursor})

    assert_problem(response, 400, after="Invalid cursor")


@pytest.mark.django_db
@pytest.mark.parametrize("limit", ["0", "1001", "x"])
def test_a_bad_limit_is_400(manager_api, limit):
    assert_problem(manager_api.get("/api/v1/changes/", {"limit": limit}), 400, limit="")


@pytest.mark.django_db
def test_the_feed_needs_the_right_to_see_every_order(keyed):
    client_role = keyed(roles=[Role.CLIENT])

    assert_problem(client_role.get("/api/v1/changes/"), 403)


@pytest.mark.django_db
def test_the_feed_costs_a_fixed_number_of_queries(manager_api, django_assert_max_num_queries):
    for order in OrderFactory.create_batch(20):
        payment_record(order=order, amount=1, by=None)

    with django_assert_max_num_queries(12):
        page = _poll(manager_api)

    assert len(page["results"]) == 20


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("role_groups")
def test_no_change_is_skipped_or_repeated_while_writers_commit(keyed):
    """Writers in threads commit events while a poller pages through the feed."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises them)")
    api = keyed(roles=[Role.MANAGER])
    orders = OrderFactory.create_batch(4)
    writes_per_thread = 25
    done = threading.Event()
    failures = []

    def writer(order):
        try:
            for index in range(writes_per_thread):
                payment_record(order=order, amount=1, by=None, reference=f"{order.pk}-{index}")
        except Exception as error:  # reported below
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(order,)) for order in orders]
    for thread in threads:
        thread.start()
    seen, cursor = [], None
    while not done.is_set():
        if not any(thread.is_alive() for thread in threads):
            done.set()  # one more pass below picks up the last commits
        page = _poll(api, cursor, limit=7)
        seen += [(row["order"], row["cursor"]) for row in page["results"]]
        cursor = page["next"]
    for thread in threads:
        thread.join()
    while page := _poll(api, cursor, limit=7):
        if not page["results"]:
            break
        seen += [(row["order"], row["cursor"]) for row in page["results"]]
        cursor = page["next"]

    assert failures == []
    cursors = [row_cursor for _order, row_cursor in seen]
    assert len(cursors) == len(set(cursors))
    expected = OrderEvent.objects.filter(action="payment_recorded").count()
    assert expected == len(orders) * writes_per_thread
    assert len(seen) == expected


@pytest.mark.django_db
def test_a_read_after_a_burst_writes_nothing_and_nudges_the_worker(
    manager_api, monkeypatch, django_assert_max_num_queries
):
    """After 1,000 events without positions a read costs what any read costs, writes
    nothing and serves what is positioned; the worker positions the rest for later pages."""
    sent = []
    monkeypatch.setattr(orders.tasks, "_feed_nudge_quiet_until", 0.0)
    monkeypatch.setattr(current_app, "send_task", lambda name, **options: sent.append(name))
    early = OrderFactory.create_batch(2)
    for order in early:
        payment_record(order=order, amount=1, by=None)
    first = _poll(manager_api)
    burst = OrderFactory()
    OrderEvent.objects.bulk_create(
        OrderEvent(order=burst, action="payment_recorded", to_state=burst.state)
        for _index in range(1000)
    )

    with django_assert_max_num_queries(8) as queries:
        during = _poll(manager_api, first["next"], limit=1000)

    writes = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}
        and "api_apiclient" not in query["sql"]  # the key's once-a-minute "last used"
        and "api_throttlewindow" not in query["sql"]  # the key's request count
    ]
    assert writes == []
    assert during == {"results": [], "next": first["next"]}
    assert sent == ["notifications.tasks.feed_assign_task"]

    assert orders.tasks.feed_assign_task() == 1000
    after = _poll(manager_api, first["next"], limit=1000)
    assert [row["order"] for row in first["results"]] == [order.pk for order in early]
    assert len(after["results"]) == 1000
    assert {row["order"] for row in after["results"]} == {burst.pk}
