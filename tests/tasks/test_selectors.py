"""Which tasks each saved view and each user gets."""

from datetime import datetime, timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from accounts.roles import Role
from tasks.selectors import SavedView, task_get_for_user, task_list_saved_view
from tests.tasks.factories import TaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def noon():
    """A fixed "now" at midday in the business time zone, so "today" is never near midnight."""
    return timezone.make_aware(datetime.combine(timezone.localdate(), datetime.min.time())).replace(
        hour=12
    )


def _titles(user, view, now):
    return [task.title for task in task_list_saved_view(user=user, view=view, now=now)]


@pytest.fixture
def tasks(staff, noon):
    me = staff[Role.WAREHOUSE]
    return {
        "late": TaskFactory(title="late", assignee=me, due_at=noon - timedelta(days=1)),
        "this morning": TaskFactory(
            title="this morning", assignee=me, due_at=noon - timedelta(hours=3)
        ),
        "tonight": TaskFactory(title="tonight", assignee=me, due_at=noon + timedelta(hours=8)),
        "tomorrow": TaskFactory(title="tomorrow", assignee=me, due_at=noon + timedelta(days=1)),
        "pool today": TaskFactory(
            title="pool today", role=Role.WAREHOUSE, due_at=noon + timedelta(hours=1)
        ),
        "pool late": TaskFactory(
            title="pool late", role=Role.WAREHOUSE, due_at=noon - timedelta(hours=1)
        ),
        "done": TaskFactory(
            title="done", assignee=me, due_at=noon, status="done", done_at=timezone.now()
        ),
        "colleague's": TaskFactory(title="colleague's", assignee=staff["warehouse2"], due_at=noon),
        "courier pool": TaskFactory(title="courier pool", role=Role.COURIER, due_at=noon),
    }


def test_my_tasks_are_my_open_ones_soonest_first(staff, tasks, noon):
    assert _titles(staff[Role.WAREHOUSE], SavedView.MINE, noon) == [
        "late",
        "this morning",
        "tonight",
        "tomorrow",
    ]


def test_due_today_covers_my_tasks_and_my_roles_pool_due_today(staff, tasks, noon):
    assert _titles(staff[Role.WAREHOUSE], SavedView.TODAY, noon) == [
        "this morning",
        "pool late",
        "pool today",
        "tonight",
    ]


def test_overdue_covers_my_tasks_and_my_roles_pool_past_due(staff, tasks, noon):
    assert _titles(staff[Role.WAREHOUSE], SavedView.OVERDUE, noon) == [
        "late",
        "this morning",
        "pool late",
    ]


def test_my_roles_pool_is_the_unassigned_tasks_of_my_role(staff, tasks, noon):
    assert _titles(staff[Role.WAREHOUSE], SavedView.ROLE, noon) == ["pool late", "pool today"]
    assert _titles(staff[Role.COURIER], SavedView.ROLE, noon) == ["courier pool"]


def test_all_open_is_only_for_those_who_see_every_task(staff, tasks, noon):
    assert len(_titles(staff[Role.DIRECTOR], SavedView.ALL, noon)) == 8
    assert _titles(staff[Role.WAREHOUSE], SavedView.ALL, noon) == []


def test_another_users_task_is_not_found_unless_one_sees_every_task(staff, tasks):
    colleagues = tasks["colleague's"]

    with pytest.raises(Http404):
        task_get_for_user(user=staff[Role.WAREHOUSE], task_id=colleagues.pk)
    with pytest.raises(Http404):
        task_get_for_user(user=staff[Role.WAREHOUSE], task_id=tasks["courier pool"].pk)
    assert task_get_for_user(user=staff[Role.MANAGER], task_id=colleagues.pk) == colleagues
    assert task_get_for_user(user=staff[Role.WAREHOUSE], task_id=tasks["pool late"].pk)
