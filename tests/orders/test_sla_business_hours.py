"""Stage deadlines of a workflow that counts its SLA in business hours."""

import logging
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.roles import Role
from orders.errors import OrderPermissionError, OrderValidationError
from orders.lifecycle import State
from orders.models import BusinessCalendar, OrderEvent
from orders.services import order_sla_escalate, order_transition
from orders.workflows import business_calendar_save, workflow_save
from tests.factories import UserFactory
from tests.history import changes
from tests.orders.factories import OrderFactory, WorkflowFactory

pytestmark = pytest.mark.django_db

MOSCOW = ZoneInfo("Europe/Moscow")  # settings.TIME_ZONE, which the calendar counts in


def _msk(*args) -> datetime:
    return datetime(*args, tzinfo=MOSCOW)


FRIDAY_17 = _msk(2025, 3, 7, 17, 0)


@pytest.fixture
def at(monkeypatch):
    """Stop the clock at a moment."""

    def stop(moment: datetime) -> datetime:
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return stop


@pytest.fixture
def manager(db):
    return UserFactory(role=Role.MANAGER)


def _order_at_request(*, business_hours: bool):
    workflow = WorkflowFactory(stage_sla_hours={"quote": 4}, sla_business_hours=business_hours)
    return OrderFactory(workflow=workflow, state=State.REQUEST)


def test_entering_a_stage_on_friday_evening_is_due_on_monday_morning(at, manager):
    order = _order_at_request(business_hours=True)
    at(FRIDAY_17)

    moved = order_transition(order=order, transition="start_quote", by=manager)

    assert moved.sla_due_at == _msk(2025, 3, 10, 12, 0)
    moved.refresh_from_db()
    assert moved.sla_due_at == _msk(2025, 3, 10, 12, 0)
    assert moved.sla_level == 0


def test_with_the_switch_off_the_clock_counts_nights_and_weekends(at, manager):
    order = _order_at_request(business_hours=False)
    at(FRIDAY_17)

    moved = order_transition(order=order, transition="start_quote", by=manager)

    assert moved.sla_due_at == _msk(2025, 3, 7, 21, 0)


def test_the_calendar_costs_one_query_when_on_and_none_when_off(at, manager):
    BusinessCalendar.get()
    at(FRIDAY_17)
    counts = {}
    # The first transition warms per-process caches (content types, permissions).
    order_transition(
        order=_order_at_request(business_hours=False), transition="start_quote", by=manager
    )
    for business_hours in (False, True):
        order = _order_at_request(business_hours=business_hours)
        with CaptureQueriesContext(connection) as queries:
            order_transition(order=order, transition="start_quote", by=manager)
        counts[business_hours] = [query["sql"] for query in queries.captured_queries]

    assert len(counts[True]) == len(counts[False]) + 1
    assert not any("orders_businesscalendar" in sql for sql in counts[False])
    assert sum("orders_businesscalendar" in sql for sql in counts[True]) == 1


def test_holidays_and_extra_working_days_of_the_calendar_are_used(at, manager):
    calendar = BusinessCalendar.get()
    calendar.day_start, calendar.day_end = time(10), time(19)
    calendar.holidays = ["2025-11-03", "2025-11-04"]
    calendar.extra_workdays = ["2025-11-01"]
    calendar.save()
    order = _order_at_request(business_hours=True)
    at(_msk(2025, 10, 31, 18, 0))

    moved = order_transition(order=order, transition="start_quote", by=manager)

    assert moved.sla_due_at == _msk(2025, 11, 1, 13, 0)


def test_the_director_is_alerted_at_twice_the_sla_in_business_hours(at, manager):
    UserFactory(role=Role.DIRECTOR)
    order = _order_at_request(business_hours=True)
    at(FRIDAY_17)
    order = order_transition(order=order, transition="start_quote", by=manager)

    first = order_sla_escalate(order_id=order.pk, now=_msk(2025, 3, 10, 12, 0))
    order.refresh_from_db()
    due_second = order.sla_due_at
    early = order_sla_escalate(order_id=order.pk, now=_msk(2025, 3, 10, 15, 59))
    second = order_sla_escalate(order_id=order.pk, now=_msk(2025, 3, 10, 16, 0))

    assert (first, early, second) == ("sla_breach", None, "sla_escalation")
    assert due_second == _msk(2025, 3, 10, 16, 0)  # Friday 1 h + Monday 7 h
    actions = list(OrderEvent.objects.filter(order=order).values_list("action", flat=True))
    assert actions[-2:] == ["sla_breach", "sla_escalation"]


def test_with_the_switch_off_the_second_level_stays_on_the_clock(at, manager):
    order = _order_at_request(business_hours=False)
    at(FRIDAY_17)
    order = order_transition(order=order, transition="start_quote", by=manager)

    order_sla_escalate(order_id=order.pk, now=_msk(2025, 3, 7, 21, 0))

    order.refresh_from_db()
    assert (order.sla_level, order.sla_due_at) == (1, _msk(2025, 3, 8, 1, 0))


def test_a_calendar_without_working_time_does_not_block_orders(at, manager, caplog):
    BusinessCalendar.get()
    BusinessCalendar.objects.update(workdays=[])  # past validation, as a bad import could
    order = _order_at_request(business_hours=True)
    at(FRIDAY_17)

    with caplog.at_level(logging.ERROR, logger="orders.services"):
        moved = order_transition(order=order, transition="start_quote", by=manager)

    assert moved.state == State.QUOTE
    assert moved.sla_due_at == _msk(2025, 3, 7, 21, 0)
    assert "no working time" in caplog.text


def test_the_switch_is_part_of_the_workflow_history():
    admin = UserFactory(role=Role.ADMIN)
    workflow = WorkflowFactory()

    workflow_save(workflow=workflow, changes={"sla_business_hours": True}, by=admin)

    record = workflow.history.latest()
    assert record.history_user == admin
    assert ("sla_business_hours", False, True) in changes(record)


def test_only_workflow_admins_change_the_calendar_through_the_service(manager):
    admin = UserFactory(role=Role.ADMIN)
    before = BusinessCalendar.get().day_start

    with pytest.raises(OrderPermissionError):
        business_calendar_save(changes={"day_start": time(7)}, by=manager)
    with pytest.raises(OrderValidationError) as refused:
        business_calendar_save(changes={"timezone": "UTC"}, by=admin)
    saved = business_calendar_save(changes={"day_start": time(8)}, by=admin)

    assert refused.value.errors == {"timezone": ["Unknown setting."]}
    assert before == time(9)
    assert BusinessCalendar.get().day_start == saved.day_start == time(8)
