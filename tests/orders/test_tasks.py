"""The beat's order sweeps, found by the worker under the names the schedule rows hold."""

import pytest
from django_celery_beat.models import PeriodicTask

from config.celery import app
from orders.tasks import feed_assign_task, recurring_orders_task, reminders_sweep_task

pytestmark = pytest.mark.django_db

MOVED = [
    "notifications.tasks.reminders_sweep_task",
    "notifications.tasks.recurring_orders_task",
    "notifications.tasks.feed_assign_task",
]


def test_every_beat_row_names_a_task_the_worker_discovers():
    app.loader.import_default_modules()  # the autodiscovery a worker runs at start

    scheduled = set(PeriodicTask.objects.values_list("task", flat=True))

    assert scheduled >= set(MOVED)
    assert scheduled - set(app.tasks) == set()
    assert [app.tasks[name].run.__module__ for name in MOVED] == ["orders.tasks"] * 3


def test_the_sweeps_find_nothing_to_do_on_an_empty_database():
    assert reminders_sweep_task() == {"escalated": 0, "quotes": 0, "services": 0, "unpaid": 0}
    assert recurring_orders_task() == 0
    assert feed_assign_task() == 0
