"""Administrators keep the task rules in the Django admin; tasks there are read-only."""

import pytest
from django.test import Client

from accounts.roles import Role
from orders.lifecycle import State
from tasks.models import TaskRule
from tests.factories import UserFactory
from tests.orders.factories import WorkflowFactory
from tests.tasks.factories import TaskFactory

pytestmark = pytest.mark.django_db

ADD_URL = "/django-admin/tasks/taskrule/add/"


@pytest.fixture
def admin_browser(db):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.user = UserFactory(role=Role.ADMIN, is_staff=True)
    client.force_login(client.user)
    return client


def _rule_form(workflow, **fields):
    return {
        "workflow": workflow.pk,
        "state": State.PRODUCTION,
        "title": "Pick the order",
        "description": "",
        "role": Role.WAREHOUSE,
        "user": "",
        "due_offset_hours": 8,
        "is_active": "on",
        **fields,
    }


def test_an_administrator_adds_a_rule_for_a_role(admin_browser):
    workflow = WorkflowFactory()

    response = admin_browser.post(ADD_URL, _rule_form(workflow))

    assert response.status_code == 302
    rule = TaskRule.objects.get()
    assert (rule.workflow, rule.state, rule.role, rule.user, rule.due_offset_hours) == (
        workflow,
        State.PRODUCTION,
        Role.WAREHOUSE,
        None,
        8,
    )


@pytest.mark.parametrize(
    ("role", "with_user", "offset", "field"),
    [
        (Role.WAREHOUSE, True, 8, "__all__"),
        ("", False, 8, "__all__"),
        (Role.WAREHOUSE, False, 0, "due_offset_hours"),
    ],
    ids=["role-and-user", "neither", "no-offset"],
)
def test_a_rule_needs_one_of_role_or_user_and_a_positive_offset(
    admin_browser, role, with_user, offset, field
):
    workflow = WorkflowFactory()
    user = UserFactory(role=Role.WAREHOUSE) if with_user else None

    response = admin_browser.post(
        ADD_URL,
        _rule_form(workflow, role=role, user=user.pk if user else "", due_offset_hours=offset),
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == [field]
    if field == "__all__":
        assert errors[field] == ["Choose either a role or a user."]
    assert not TaskRule.objects.exists()


def test_tasks_are_read_only_in_the_admin(admin_browser):
    task = TaskFactory()

    assert admin_browser.get("/django-admin/tasks/task/").status_code == 200
    assert admin_browser.get("/django-admin/tasks/task/add/").status_code == 403
    page = admin_browser.get(f"/django-admin/tasks/task/{task.pk}/change/")
    assert page.status_code == 200
    assert 'name="title"' not in page.content.decode()


def test_a_rule_added_in_the_admin_is_recorded_in_its_history(admin_browser):
    workflow = WorkflowFactory()

    response = admin_browser.post(ADD_URL, _rule_form(workflow, closes_with_stage="on"))

    assert response.status_code == 302
    record = TaskRule.history.get(workflow_id=workflow.pk)
    assert (record.history_type, record.history_user) == ("+", admin_browser.user)
    assert (record.state, record.title, record.role, record.due_offset_hours) == (
        State.PRODUCTION,
        "Pick the order",
        "warehouse",
        8,
    )


def test_a_rule_for_someone_who_does_not_work_on_orders_is_refused(admin_browser):
    workflow = WorkflowFactory()
    client_user = UserFactory(role=Role.CLIENT)

    response = admin_browser.post(ADD_URL, _rule_form(workflow, role="", user=client_user.pk))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["user"] == ["This person does not work on orders."]
    assert not TaskRule.objects.exists()
    assert not TaskRule.history.exists()


def test_a_rule_deleted_in_the_admin_is_recorded_in_its_history(admin_browser):
    workflow = WorkflowFactory()
    admin_browser.post(ADD_URL, _rule_form(workflow))
    rule = TaskRule.objects.get()

    response = admin_browser.post(
        f"/django-admin/tasks/taskrule/{rule.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 302
    assert not TaskRule.objects.exists()
    latest = TaskRule.history.filter(workflow_id=workflow.pk).latest()
    assert (latest.history_type, latest.history_user) == ("-", admin_browser.user)
