import pytest
from django.core.management import call_command

from accounts.roles import Role
from orders.models import Workflow
from tasks.demo import DEMO_RULES, seed_task_rules
from tasks.models import Task, TaskRule

pytestmark = pytest.mark.django_db


def test_demo_rules_sit_on_the_default_workflows_once():
    first = seed_task_rules()
    second = seed_task_rules()

    assert (first, second) == (len(DEMO_RULES), 0)
    support = Workflow.objects.get(kind="support", customer_kind="", category=None)
    rule = TaskRule.objects.get(workflow=support)
    assert (rule.state, rule.role, rule.due_offset_hours) == ("in_progress", Role.MANAGER, 4)


def test_the_demo_orders_carry_tasks_from_the_rules():
    call_command("seed_demo", "--showcase-only")
    tasks = Task.objects.count()
    call_command("seed_demo", "--showcase-only")

    assert tasks > 0
    assert Task.objects.count() == tasks
    assert not Task.objects.filter(rule__isnull=True).exists()
