"""Demo task rules on the default workflows, so the demo orders show automatic tasks."""

from accounts.roles import Role
from orders.lifecycle import OrderKind, State
from orders.models import Workflow
from tasks.models import TaskRule

# (order kind, customer kind of the default workflow (B2B is "any"), state, title, role,
# due in hours)
DEMO_RULES = [
    (
        OrderKind.PRODUCT,
        Workflow.CustomerKind.ANY,
        State.QUOTE,
        "Подготовить коммерческое предложение",
        Role.MANAGER,
        24,
    ),
    (
        OrderKind.PRODUCT,
        Workflow.CustomerKind.PERSON,
        State.PRODUCTION,
        "Собрать и упаковать заказ",
        Role.WAREHOUSE,
        8,
    ),
    (
        OrderKind.PRODUCT,
        Workflow.CustomerKind.ANY,
        State.PRODUCTION,
        "Собрать и упаковать заказ",
        Role.WAREHOUSE,
        16,
    ),
    (
        OrderKind.SUPPORT,
        Workflow.CustomerKind.ANY,
        State.IN_PROGRESS,
        "Ответить клиенту",
        Role.MANAGER,
        4,
    ),
]


def seed_task_rules() -> int:
    """Returns how many rules were created now (0 when they all exist)."""
    created = 0
    for kind, customer_kind, state, title, role, hours in DEMO_RULES:
        workflow = Workflow.objects.filter(
            kind=kind, customer_kind=customer_kind, category=None
        ).first()
        if workflow is None:
            continue  # an administrator removed the default workflow
        _rule, was_created = TaskRule.objects.get_or_create(
            workflow=workflow,
            state=state,
            title=title,
            defaults={"role": role, "due_offset_hours": hours},
        )
        created += was_created
    return created
