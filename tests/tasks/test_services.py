"""Tasks by hand, done and reassign: who may, what is written, and that a refusal writes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from notifications.models import OutboxMessage
from tasks.errors import TaskPermissionError, TaskStateError, TaskValidationError
from tasks.models import Task
from tasks.services import task_complete, task_create, task_reassign
from tests.orders.factories import OrderFactory
from tests.tasks.factories import TaskFactory

pytestmark = pytest.mark.django_db


def _due():
    return timezone.now() + timedelta(hours=3)


def _notices():
    return list(OutboxMessage.objects.filter(topic="task.assigned"))


def test_a_manager_creates_a_task_for_the_warehouse_who_is_notified(staff):
    order = OrderFactory()
    due = _due()

    task = task_create(
        title="  Check the stock  ",
        description="Shelf 4",
        due_at=due,
        assignee=staff[Role.WAREHOUSE],
        order=order,
        by=staff[Role.MANAGER],
    )

    assert (task.title, task.description, task.due_at, task.order) == (
        "Check the stock",
        "Shelf 4",
        due,
        order,
    )
    assert (task.assignee, task.created_by, task.status) == (
        staff[Role.WAREHOUSE],
        staff[Role.MANAGER],
        Task.Status.OPEN,
    )
    [notice] = _notices()
    assert notice.payload["assignee_id"] == staff[Role.WAREHOUSE].pk
    assert notice.payload["actor_id"] == staff[Role.MANAGER].pk


def test_a_task_without_assignee_or_role_is_the_authors_own_and_not_announced(staff):
    task = task_create(title="Call back", due_at=_due(), by=staff[Role.MANAGER])

    assert (task.assignee, task.role, task.order) == (staff[Role.MANAGER], "", None)
    assert _notices() == []


def test_a_task_without_an_order_is_announced_as_a_task(staff):
    task = task_create(
        title="Inventory", due_at=_due(), assignee=staff[Role.WAREHOUSE], by=staff[Role.MANAGER]
    )

    [notice] = _notices()
    assert (notice.aggregate_type, notice.aggregate_id) == ("task", task.pk)


def test_missing_title_and_due_time_are_both_reported_and_nothing_is_written(staff):
    with pytest.raises(TaskValidationError) as caught:
        task_create(title="  ", due_at=None, by=staff[Role.MANAGER])

    assert set(caught.value.errors) == {"title", "due_at"}
    assert not Task.objects.exists()


def test_only_people_working_on_orders_can_be_assigned(staff):
    with pytest.raises(TaskValidationError) as caught:
        task_create(
            title="Report", due_at=_due(), assignee=staff[Role.DIRECTOR], by=staff[Role.MANAGER]
        )

    assert set(caught.value.errors) == {"assignee"}
    assert not Task.objects.exists()


@pytest.mark.parametrize("role", [Role.WAREHOUSE, Role.COURIER, Role.DIRECTOR])
def test_only_those_who_process_orders_create_tasks(staff, role):
    with pytest.raises(TaskPermissionError):
        task_create(title="Mine", due_at=_due(), by=staff[role])

    assert not Task.objects.exists()


def test_the_assignee_completes_a_task_once(staff):
    task = TaskFactory(assignee=staff[Role.WAREHOUSE])

    done = task_complete(task=task, by=staff[Role.WAREHOUSE])
    with pytest.raises(TaskStateError):
        task_complete(task=task, by=staff[Role.WAREHOUSE])

    task.refresh_from_db()
    assert (done.status, task.status, task.done_by) == ("done", "done", staff[Role.WAREHOUSE])
    assert task.done_at is not None


def test_a_warehouse_user_cannot_complete_or_reassign_anothers_task(staff):
    task = TaskFactory(assignee=staff["warehouse2"])

    with pytest.raises(TaskPermissionError):
        task_complete(task=task, by=staff[Role.WAREHOUSE])
    with pytest.raises(TaskPermissionError):
        task_reassign(task=task, by=staff[Role.WAREHOUSE], assignee=staff[Role.WAREHOUSE])

    task.refresh_from_db()
    assert (task.status, task.assignee, task.done_by) == ("open", staff["warehouse2"], None)
    assert _notices() == []


def test_the_director_reads_only(staff):
    task = TaskFactory(assignee=staff[Role.MANAGER])

    with pytest.raises(TaskPermissionError):
        task_complete(task=task, by=staff[Role.DIRECTOR])
    with pytest.raises(TaskPermissionError):
        task_reassign(task=task, by=staff[Role.DIRECTOR], role=Role.MANAGER)

    task.refresh_from_db()
    assert (task.status, task.assignee) == ("open", staff[Role.MANAGER])


def test_a_manager_may_complete_and_reassign_anyones_task(staff):
    first = TaskFactory(assignee=staff[Role.WAREHOUSE])
    second = TaskFactory(assignee=staff[Role.WAREHOUSE])

    task_complete(task=first, by=staff[Role.MANAGER])
    task_reassign(task=second, by=staff[Role.MANAGER], assignee=staff["warehouse2"])

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.done_by) == ("done", staff[Role.MANAGER])
    assert second.assignee == staff["warehouse2"]
    [notice] = _notices()
    assert notice.payload["assignee_id"] == staff["warehouse2"].pk


def test_the_roles_pool_is_for_anyone_of_that_role(staff):
    picked = TaskFactory(role=Role.WAREHOUSE)
    not_theirs = TaskFactory(role=Role.WAREHOUSE)

    task_reassign(task=picked, by=staff["warehouse2"], assignee=staff["warehouse2"])
    with pytest.raises(TaskPermissionError):
        task_complete(task=not_theirs, by=staff[Role.COURIER])

    picked.refresh_from_db()
    not_theirs.refresh_from_db()
    assert picked.assignee == staff["warehouse2"]
    assert not_theirs.status == "open"
    # Taking a task for oneself is not news to anyone.
    assert _notices() == []


def test_a_warehouse_user_hands_their_own_task_over_and_the_new_assignee_is_notified(staff):
    task = TaskFactory(assignee=staff[Role.WAREHOUSE], role=Role.WAREHOUSE)

    task_reassign(task=task, by=staff[Role.WAREHOUSE], assignee=staff["warehouse2"])

    task.refresh_from_db()
    assert (task.assignee, task.role) == (staff["warehouse2"], Role.WAREHOUSE)
    [notice] = _notices()
    assert notice.payload["assignee_id"] == staff["warehouse2"].pk


def test_back_to_a_roles_pool(staff):
    task = TaskFactory(assignee=staff[Role.MANAGER])

    task_reassign(task=task, by=staff[Role.MANAGER], role=Role.COURIER)

    task.refresh_from_db()
    assert (task.assignee, task.role, task.assigned_at) == (None, Role.COURIER, None)
    assert _notices() == []


def test_reassigning_to_whoever_has_it_changes_nothing(staff):
    task = TaskFactory(assignee=staff[Role.WAREHOUSE])

    task_reassign(task=task, by=staff[Role.MANAGER], assignee=staff[Role.WAREHOUSE])

    task.refresh_from_db()
    assert task.assigned_at is None
    assert _notices() == []


@pytest.mark.parametrize(
    ("to_person", "to_role"), [(False, ""), (True, Role.WAREHOUSE)], ids=["neither", "both"]
)
def test_reassign_needs_exactly_one_of_person_and_role(staff, to_person, to_role):
    task = TaskFactory(assignee=staff[Role.MANAGER])

    with pytest.raises(TaskValidationError):
        task_reassign(
            task=task,
            by=staff[Role.MANAGER],
            assignee=staff[Role.WAREHOUSE] if to_person else None,
            role=to_role,
        )

    task.refresh_from_db()
    assert task.assignee == staff[Role.MANAGER]


def test_a_done_task_cannot_be_reassigned(staff):
    task = TaskFactory(assignee=staff[Role.MANAGER])
    task_complete(task=task, by=staff[Role.MANAGER])

    with pytest.raises(TaskStateError):
        task_reassign(task=task, by=staff[Role.MANAGER], assignee=staff[Role.WAREHOUSE])

    task.refresh_from_db()
    assert task.assignee == staff[Role.MANAGER]
    assert _notices() == []


def test_a_due_time_already_passed_is_refused_and_nothing_is_written(staff):
    due = timezone.now() - timedelta(hours=2)

    with pytest.raises(TaskValidationError) as refused:
        task_create(
            title="Call back", due_at=due, assignee=staff[Role.WAREHOUSE], by=staff[Role.MANAGER]
        )

    shown = timezone.localtime(due).strftime("%d.%m.%Y %H:%M")
    assert refused.value.errors == {
        "due_at": [f"The due time {shown} has passed; choose a later time."]
    }
    assert not Task.objects.exists()
    assert _notices() == []


def test_a_task_due_in_the_current_minute_is_accepted(staff):
    due = timezone.now().replace(second=0, microsecond=0)

    task = task_create(title="Right now", due_at=due, by=staff[Role.MANAGER])

    assert task.due_at == due
