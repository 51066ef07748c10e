"""Two beat ticks at once, on PostgreSQL with real threads."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from orders.models import Order, OrderEvent, RecurringOrder
from orders.services import recurring_sweep, reminders_sweep
from tests.orders.factories import OrderFactory, WorkflowFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("role_groups")]


def _twice_at_once(work):
    if connection.vendor != "postgresql":
        pytest.skip("races between sweeps are run on PostgreSQL")
    barrier = threading.Barrier(2)
    results = []

    def run():
        try:
            barrier.wait()
            results.append(work())
        except Exception as error:  # reported in the assertion below
            results.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_a_due_recurring_order_is_created_once_when_two_ticks_race(placed_order):
    source = placed_order()
    schedule = RecurringOrder.objects.create(
        source_order=source, period="weekly", next_run_at=timezone.now() - timedelta(minutes=1)
    )

    results = _twice_at_once(recurring_sweep)

    assert sorted(results) == [0, 1]
    assert Order.objects.filter(recurring_schedule=schedule).count() == 1


def test_an_sla_breach_escalates_once_when_two_sweeps_race():
    entered = timezone.now() - timedelta(hours=5)
    order = OrderFactory(
        workflow=WorkflowFactory(stage_sla_hours={"request": 4}),
        state_changed_at=entered,
        sla_due_at=entered + timedelta(hours=4),
    )

    results = _twice_at_once(lambda: reminders_sweep()["escalated"])

    assert sorted(results) == [0, 1]
    assert OrderEvent.objects.filter(order=order, action="sla_breach").count() == 1
