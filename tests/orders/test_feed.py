import threading

import pytest
from django.db import connection, connections, transaction

from orders.feed import (
    READER_ASSIGNS_AT_MOST,
    feed_assign_backlog,
    feed_assign_positions,
    feed_catch_up,
    feed_events_after,
)
from orders.models import FeedCursor, OrderEvent
from orders.services import payment_record
from orders.tasks import feed_assign_task
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def test_positions_follow_assignment_and_reading_after_a_cursor_repeats_nothing():
    orders = OrderFactory.create_batch(3)
    for order in orders:
        payment_record(order=order, amount=1, by=None)

    assert feed_assign_positions() == 3
    first_page = list(feed_events_after(position=0, limit=2))
    second_page = list(feed_events_after(position=first_page[-1].feed_position, limit=2))

    assert [event.order for event in first_page + second_page] == orders
    assert feed_assign_positions() == 0


@pytest.mark.django_db(transaction=True)
def test_an_event_committed_late_is_not_skipped():
    if connection.vendor != "postgresql":
        pytest.skip("needs two concurrent writers (PostgreSQL)")
    early, late = OrderFactory(), OrderFactory()
    inserted, release = threading.Event(), threading.Event()

    def slow_writer():
        with transaction.atomic():
            payment_record(order=early, amount=1, by=None)  # takes the lower event id
            inserted.set()
            release.wait(timeout=30)
        connections.close_all()

    writer = threading.Thread(target=slow_writer)
    writer.start()
    inserted.wait(timeout=30)
    payment_record(order=late, amount=1, by=None)  # higher id, committed first

    feed_assign_positions()
    seen = list(feed_events_after(position=0, limit=100))
    release.set()
    writer.join()
    feed_assign_positions()
    after = list(feed_events_after(position=seen[-1].feed_position, limit=100))

    assert [event.order_id for event in seen] == [late.pk]
    assert [event.order_id for event in after] == [early.pk]
    assert after[0].pk < seen[0].pk
    assert OrderEvent.objects.filter(feed_position__isnull=True).count() == 0


def _unpositioned_events(order, count):
    # Rows straight into the table: a burst of writes that the assigner has not seen yet.
    return OrderEvent.objects.bulk_create(
        OrderEvent(order=order, action="payment_recorded", to_state=order.state)
        for _index in range(count)
    )


def test_the_worker_positions_a_backlog_in_batches_each_consecutive():
    order = OrderFactory()
    events = _unpositioned_events(order, 450)

    assert feed_assign_backlog(batch=200, max_batches=2) == 400
    assert OrderEvent.objects.filter(feed_position__isnull=True).count() == 50
    assert feed_assign_task() == 50

    positions = list(OrderEvent.objects.order_by("id").values_list("feed_position", flat=True))
    assert positions == list(range(1, len(events) + 1))
    assert FeedCursor.objects.get().last_position == 450


def test_a_reader_positions_a_small_backlog_and_leaves_a_large_one_untouched(
    django_assert_max_num_queries,
):
    order = OrderFactory()
    _unpositioned_events(order, READER_ASSIGNS_AT_MOST)
    assert feed_catch_up() is True
    assert OrderEvent.objects.filter(feed_position__isnull=True).count() == 0

    _unpositioned_events(order, READER_ASSIGNS_AT_MOST + 1)
    with django_assert_max_num_queries(1) as queries:
        assert feed_catch_up() is False

    assert "UPDATE" not in queries.captured_queries[0]["sql"].upper()
    assert OrderEvent.objects.filter(feed_position__isnull=True).count() == 101
