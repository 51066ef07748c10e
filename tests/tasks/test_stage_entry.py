"""Tasks a workflow's rules create when an order enters a stage through `order_transition`."""

from datetime import timedelta

import pytest
from django.db import transaction

from accounts.roles import Role
from notifications.models import OutboxMessage
from orders.errors import OrderTransitionError
from orders.lifecycle import OrderKind, State
from orders.models import OrderEvent
from orders.services import order_transition
from tasks.models import Task
from tasks.services import tasks_create_for_stage_entry
from tests.orders.factories import OrderFactory, WorkflowFactory
from tests.tasks.factories import TaskRuleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def workflow(db):
    return WorkflowFactory(kind=OrderKind.PRODUCT, uses_quote=True, uses_contract=True)


def _start_quote(order, by):
    order = order_transition(order=order, transition="start_quote", by=by)
    return order, OrderEvent.objects.get(order=order, action="start_quote")


def test_a_manager_rule_gives_the_task_to_the_orders_manager_due_after_the_entry(workflow, staff):
    rule = TaskRuleFactory(
        workflow=workflow, state=State.QUOTE, role=Role.MANAGER, due_offset_hours=24
    )
    order = OrderFactory(state=State.REQUEST, workflow=workflow, manager=staff[Role.MANAGER])

    order, event = _start_quote(order, staff["manager2"])

    task = Task.objects.get()
    assert (task.order, task.rule, task.event, task.title) == (order, rule, event, rule.title)
    assert (task.assignee, task.role, task.status, task.created_by) == (
        staff[Role.MANAGER],
        Role.MANAGER,
        Task.Status.OPEN,
        None,
    )
    assert task.due_at == event.created_at + timedelta(hours=24)
    notice = OutboxMessage.objects.get(topic="task.assigned")
    assert (notice.aggregate_type, notice.aggregate_id) == ("order", order.pk)
    assert notice.payload["task_id"] == task.pk
    assert notice.payload["assignee_id"] == staff[Role.MANAGER].pk


def test_the_same_stage_entry_never_makes_its_tasks_twice(workflow, staff):
    TaskRuleFactory(workflow=workflow, state=State.QUOTE)
    order = OrderFactory(state=State.REQUEST, workflow=workflow, manager=staff[Role.MANAGER])
    order, event = _start_quote(order, staff[Role.MANAGER])

    again = tasks_create_for_stage_entry(order, event)

    assert again == []
    assert Task.objects.count() == 1
    assert OutboxMessage.objects.filter(topic="task.assigned").count() == 1


def test_rules_of_other_stages_other_workflows_and_inactive_rules_make_nothing(workflow, staff):
    TaskRuleFactory(workflow=workflow, state=State.CONTRACT)
    TaskRuleFactory(workflow=workflow, state=State.QUOTE, is_active=False)
    TaskRuleFactory(workflow=WorkflowFactory(), state=State.QUOTE)
    order = OrderFactory(state=State.REQUEST, workflow=workflow, manager=staff[Role.MANAGER])

    _start_quote(order, staff[Role.MANAGER])

    assert not Task.objects.exists()
    assert not OutboxMessage.objects.filter(topic="task.assigned").exists()


def test_a_role_rule_leaves_the_task_to_the_role_and_a_user_rule_gives_it_to_that_user(
    workflow, staff
):
    TaskRuleFactory(workflow=workflow, state=State.QUOTE, title="Pick", role=Role.WAREHOUSE)
    TaskRuleFactory(
        workflow=workflow, state=State.QUOTE, title="Check", role="", user=staff["warehouse2"]
    )
    order = OrderFactory(state=State.REQUEST, workflow=workflow, manager=staff[Role.MANAGER])

    _start_quote(order, staff[Role.MANAGER])

    tasks = {task.title: (task.assignee, task.role) for task in Task.objects.all()}
    assert tasks == {"Pick": (None, Role.WAREHOUSE), "Check": (staff["warehouse2"], "")}
    notices = OutboxMessage.objects.filter(topic="task.assigned")
    assert [notice.payload["assignee_id"] for notice in notices] == [staff["warehouse2"].pk]


def test_a_manager_rule_on_an_order_without_a_manager_waits_in_the_managers_pool(workflow, staff):
    TaskRuleFactory(workflow=workflow, state=State.QUOTE, role=Role.MANAGER)
    order = OrderFactory(state=State.REQUEST, workflow=workflow, manager=None)

    _start_quote(order, staff[Role.MANAGER])

    task = Task.objects.get()
    assert (task.assignee, task.role) == (None, Role.MANAGER)
    assert not OutboxMessage.objects.filter(topic="task.assigned").exists()


def test_a_rule_naming_someone_who_left_gives_the_task_to_the_orders_manager(workflow, staff):
    gone = staff["warehouse2"]
    gone.is_active = False
    gone.save()
    TaskRuleFactory(workflow=workflow, state=State.QUOTE, role="", user=gone)
    order = OrderFactory(state=State.REQUEST, workflow=workflow, manager=staff[Role.MANAGER])

    _start_quote(order, staff[Role.MANAGER])

    task = Task.objects.get()
    assert (task.assignee, task.role) == (staff[Role.MANAGER], "")


def test_tasks_roll_back_with_the_transition(workflow, staff):
    TaskRuleFactory(workflow=workflow, state=State.QUOTE)
    order = OrderFactory(state=State.REQUEST, workflow=workflow, manager=staff[Role.MANAGER])

    def transition_then_fail():
        with transaction.atomic():
            order_transition(order=order, transition="start_quote", by=staff[Role.MANAGER])
            raise RuntimeError("the caller's transaction fails after the transition")

    with pytest.raises(RuntimeError):
        transition_then_fail()

    order.refresh_from_db()
    assert order.state == State.REQUEST
    assert not Task.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_a_refused_transition_makes_no_task(staff):
    retail = WorkflowFactory(retail=True)
    TaskRuleFactory(workflow=retail, state=State.QUOTE)
    order = OrderFactory(state=State.REQUEST, workflow=retail, manager=staff[Role.MANAGER])

    with pytest.raises(OrderTransitionError, match="skips the quote stage"):
        order_transition(order=order, transition="start_quote", by=staff[Role.MANAGER])

    assert not Task.objects.exists()


def _order_made_with(workflow, by):
    from orders.models import Order, Workflow
    from orders.services import LineInput, order_create
    from tests.catalog.factories import ItemFactory
    from tests.factories import CustomerFactory

    Workflow.objects.exclude(pk=workflow.pk).update(is_active=False)  # the one chosen
    return order_create(
        customer=CustomerFactory(),
        kind=workflow.kind,
        channel=Order.Channel.MANAGER,
        by=by,
        lines=[LineInput(item=ItemFactory(), quantity=1)],
    )


def test_an_order_made_with_a_workflow_that_has_a_first_stage_rule_gets_its_task(workflow, staff):
    rule = TaskRuleFactory(workflow=workflow, state=State.REQUEST, role=Role.MANAGER)

    order = _order_made_with(workflow, staff[Role.MANAGER])

    task = Task.objects.get()
    assert (task.order, task.rule, task.event.action) == (order, rule, "created")


def test_an_order_made_with_a_workflow_without_active_rules_does_not_ask_for_them(workflow, staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    TaskRuleFactory(workflow=workflow, state=State.REQUEST, is_active=False)

    with CaptureQueriesContext(connection) as queries:
        order = _order_made_with(workflow, staff[Role.MANAGER])

    assert order.workflow == workflow
    assert not Task.objects.exists()
    # The workflow's own read says whether it has any active rule; no read of the rules.
    reads_of_rules = [q["sql"] for q in queries if q["sql"].lstrip().startswith('SELECT "tasks_')]
    assert reads_of_rules == []
    assert any("tasks_taskrule" in q["sql"] for q in queries)  # the EXISTS in the workflow's


def test_a_later_stage_of_an_order_made_without_rules_reads_rules_added_since(workflow, staff):
    order = _order_made_with(workflow, staff[Role.MANAGER])
    rule = TaskRuleFactory(workflow=workflow, state=State.QUOTE)

    order, _event = _start_quote(order, staff[Role.MANAGER])

    assert Task.objects.get().rule == rule
