"""A 1C pass's mark reaches back to the transactions another session had open with writes
when it began, so the next pass finds them however late they commit (PostgreSQL, with a
real second session); with none open, and on SQLite, the mark is the pass's start.

The margin is taken away: the writes here are seconds old, well within it.
"""

import threading
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import DataError, connection, connections, transaction
from django.utils import timezone

from integrations.onec.export_marks import (
    ExportWindow,
    export_mark_record,
    export_window,
    full_pass_interval,
)
from integrations.onec.models import OrderExportMark
from integrations.onec.open_transactions import oldest_open_write_started_at
from integrations.onec.sale_exchange import sale_query, sale_success
from integrations.onec.selectors import order_list_to_export
from orders.models import Order
from orders.services import order_transition

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="other sessions' transactions are PostgreSQL's"
)


@pytest.fixture(autouse=True)
def no_margin(settings):
    settings.ONEC_EXPORT_MARGIN_SECONDS = 0


@contextmanager
def open_transaction(work):
    """Run `work()` in a transaction of another session, open inside the block and committed
    when it ends; yields when that transaction began (the database's clock)."""
    written, release = threading.Event(), threading.Event()
    began, errors = [], []

    def run():
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT now()")  # when the transaction began
                    began.append(cursor.fetchone()[0])
                work()
                written.set()
                release.wait(timeout=60)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            written.set()
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    written.wait(timeout=60)
    try:
        assert errors == []
        yield began[0]
    finally:
        release.set()
        thread.join(timeout=60)
    assert errors == []


def _pass(profile) -> list[str]:
    """One `query`: the numbers of the orders it returned, sent or held."""
    log_entry = sale_query(profile=profile, session=None).log_entry
    return log_entry.orders_sent + [held["number"] for held in log_entry.orders_held]


def _acknowledged(profile, make_order) -> Order:
    order = make_order()
    assert _pass(profile) == [order.number]
    sale_success(profile=profile, session=None)
    assert _pass(profile) == []
    return order


def _cancelling(order, manager):
    """The work of the other session: a cancellation, through the service as ever."""
    return lambda: order_transition(
        order=order, transition="cancel", by=manager, reason="Передумал"
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("role_groups")
@postgresql_only
def test_a_write_committed_long_after_a_pass_began_goes_with_the_next_pass(
    profile, make_order, manager
):
    order = _acknowledged(profile, make_order)

    with open_transaction(_cancelling(order, manager)) as began:
        pass_started = timezone.now()
        assert _pass(profile) == []  # the cancellation is not committed yet
        assert OrderExportMark.objects.get(profile=profile).passed_at == began

    stamped = Order.objects.get(pk=order.pk).updated_at
    assert began <= stamped < pass_started
    # A mark at the pass's start, as before, would have left it out.
    from_pass_start = ExportWindow(
        started_at=pass_started, changed_since=pass_started, after=None, full_pass_at=pass_started
    )
    assert order_list_to_export(profile=profile, window=from_pass_start) == []

    assert _pass(profile) == [order.number]
    mark = OrderExportMark.objects.get(profile=profile)
    assert mark.passed_at > pass_started  # nothing open any more: the pass's own start


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("role_groups")
@postgresql_only
def test_a_transaction_that_only_read_or_failed_holds_nothing_back(profile, make_order, manager):
    order = _acknowledged(profile, make_order)
    state = order.state

    def cancel_then_fail():
        order_transition(order=order, transition="cancel", by=manager, reason="Передумал")
        with pytest.raises(DataError), connection.cursor() as cursor:
            cursor.execute("SELECT 1 / 0")  # aborts the transaction: it can only roll back

    with open_transaction(lambda: list(Order.objects.all())):
        assert oldest_open_write_started_at() is None
        window = export_window(profile=profile)
    assert window.settled_at == window.started_at

    with open_transaction(cancel_then_fail):
        assert oldest_open_write_started_at() is None
    assert Order.objects.get(pk=order.pk).state == state


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("role_groups")
@postgresql_only
def test_a_transaction_open_longer_than_a_full_pass_interval_holds_the_mark_back_no_further(
    profile, make_order, manager
):
    order = _acknowledged(profile, make_order)

    with open_transaction(_cancelling(order, manager)) as began:
        assert oldest_open_write_started_at() == began
        a_day_later = timezone.now() + full_pass_interval() + timedelta(hours=6)
        window = export_window(profile=profile, now=a_day_later)

    assert window.open_writes_since == a_day_later - full_pass_interval()
    assert window.settled_at == a_day_later - full_pass_interval()


@pytest.mark.django_db
def test_with_no_other_transaction_open_the_mark_is_the_pass_start(profile, make_order):
    make_order()

    window = export_window(profile=profile)
    orders = order_list_to_export(profile=profile, window=window)
    export_mark_record(profile=profile, window=window, orders=orders, limit=200)

    assert window.open_writes_since is None
    assert OrderExportMark.objects.get(profile=profile).passed_at == window.started_at


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's answer")
def test_on_sqlite_no_transaction_is_reported_open():
    assert oldest_open_write_started_at() is None
