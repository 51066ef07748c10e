from datetime import timedelta

import factory
from django.utils import timezone

from accounts.roles import Role
from orders.lifecycle import State
from tasks.models import Task, TaskRule
from tests.orders.factories import WorkflowFactory


class TaskRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskRule

    workflow = factory.SubFactory(WorkflowFactory)
    state = State.QUOTE
    title = factory.Sequence(lambda n: f"Rule task {n}")
    role = Role.MANAGER
    due_offset_hours = 24


class TaskFactory(factory.django.DjangoModelFactory):
    """A task put straight into the table; real ones come from the services."""

    class Meta:
        model = Task

    title = factory.Sequence(lambda n: f"Task {n}")
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=4))
