"""Tasks of a stage close when the order leaves it, unless their rule keeps them open."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from orders.lifecycle import OrderKind, State
from orders.models import OrderEvent
from orders.services import order_transition
from tasks.models import Task
from tasks.services import task_complete, task_create
from tests.orders.factories import OrderFactory, WorkflowFactory
from tests.tasks.factories import TaskRuleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def workflow(db):
    return WorkflowFactory(kind=OrderKind.PRODUCT, uses_quote=True, uses_contract=True)


@pytest.fixture
def order_in_quote(workflow, staff):
    TaskRuleFactory(workflow=workflow, state=State.QUOTE, title="Price it")
    TaskRuleFactory(
        workflow=workflow, state=State.QUOTE, title="Call back later", closes_with_stage=False
    )
    order = OrderFactory(state=State.REQUEST, workflow=workflow, manager=staff[Role.MANAGER])
    return order_transition(order=order, transition="start_quote", by=staff[Role.MANAGER])


def _statuses(order):
    return dict(Task.objects.filter(order=order).values_list("title", "status"))


def test_leaving_the_stage_closes_its_rule_tasks_and_keeps_the_others(order_in_quote, staff):
    manager = staff[Role.MANAGER]
    by_hand = task_create(
        by=manager,
        title="Send the samples",
        order=order_in_quote,
        assignee=manager,
        due_at=timezone.now() + timedelta(days=1),
    )
    other_order = OrderFactory(state=State.REQUEST, workflow=order_in_quote.workflow)
    other = order_transition(order=other_order, transition="start_quote", by=manager)

    order = order_transition(
        order=order_in_quote, transition="cancel", by=manager, reason="Клиент передумал"
    )

    left = OrderEvent.objects.get(order=order, action="cancel")
    assert _statuses(order) == {
        "Price it": Task.Status.STAGE_LEFT,
        "Call back later": Task.Status.OPEN,
        by_hand.title: Task.Status.OPEN,
    }
    closed = Task.objects.get(order=order, title="Price it")
    assert (closed.done_at, closed.done_by) == (left.created_at, None)
    assert set(_statuses(other).values()) == {Task.Status.OPEN}


def test_a_task_already_done_stays_done(order_in_quote, staff):
    manager = staff[Role.MANAGER]
    task = Task.objects.get(order=order_in_quote, title="Price it")
    task_complete(task=task, by=manager)

    order_transition(order=order_in_quote, transition="cancel", by=manager, reason="Дорого")

    task.refresh_from_db()
    assert (task.status, task.done_by) == (Task.Status.DONE, manager)


def test_the_stage_entered_gets_its_tasks_while_the_one_left_closes_its_own(workflow, staff):
    TaskRuleFactory(workflow=workflow, state=State.QUOTE, title="Price it")
    TaskRuleFactory(workflow=workflow, state=State.CANCELLED, title="Ask why")
    manager = staff[Role.MANAGER]
    order = order_transition(
        order=OrderFactory(state=State.REQUEST, workflow=workflow, manager=manager),
        transition="start_quote",
        by=manager,
    )

    order_transition(order=order, transition="cancel", by=manager, reason="Нет бюджета")

    assert _statuses(order) == {"Price it": Task.Status.STAGE_LEFT, "Ask why": Task.Status.OPEN}


def test_the_order_page_shows_a_closed_task_under_the_open_ones(order_in_quote, staff):
    manager = staff[Role.MANAGER]
    order_transition(order=order_in_quote, transition="cancel", by=manager, reason="Дорого")
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(manager)

    page = browser.get(reverse("portals_manager:order_page", args=[order_in_quote.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert "closed: the order left the stage" in html
    assert html.index("Call back later") < html.index("Price it")
