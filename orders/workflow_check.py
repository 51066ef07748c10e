"""Can orders of a workflow still get through it? Checked before a workflow is saved.

The lifecycle's transitions are walked from the first state with a stand-in order of
the workflow. Conditions about the workflow itself are evaluated; conditions about an
order's facts (an accepted quote, a signature, money) are taken as met, since any of
them can be brought about. A workflow is refused when a stage of its own path cannot
be reached, or when an order could never be closed.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from orders.lifecycle import DeliveryStatus, OrderKind, State, initial_state_for
from orders.models import Order, Workflow


@dataclass(frozen=True)
class Step:
    name: str
    source: str
    target: str


def _transitions() -> list:
    return Order._meta.get_field("state").get_all_transitions(Order)


def _stand_in(workflow: Workflow, state: str) -> Order:
    # Facts at their best: only the configuration can stand in the way.
    return Order(
        kind=workflow.kind,
        workflow=workflow,
        payment_terms=workflow.payment_terms,
        state=state,
        delivery_status=DeliveryStatus.HANDED_TO_CLIENT,
    )


def _configuration_allows(transition, order: Order) -> bool:
    return all(
        condition(order)
        for condition in transition.conditions
        if getattr(condition, "configuration", False)
    )


def reachable_states(workflow: Workflow) -> dict[str, list[Step]]:
    """Every state an order of `workflow` can reach, with one way to get there."""
    start = initial_state_for(workflow.kind)
    paths = {start: []}
    queue = [start]
    transitions = [t for t in _transitions() if t.target not in (State.CANCELLED,)]
    while queue:
        state = queue.pop(0)
        order = _stand_in(workflow, state)
        for transition in transitions:
            if transition.source not in (state, "*") or transition.target in paths:
                continue
            if not _configuration_allows(transition, order):
                continue
            paths[transition.target] = [
                *paths[state],
                Step(transition.name, state, transition.target),
            ]
            queue.append(transition.target)
    return paths


def workflow_problems(workflow: Workflow) -> list[str]:
    """Why orders of `workflow` could get stuck; empty when they cannot."""
    if workflow.kind == OrderKind.SUPPORT:
        return []
    reachable = reachable_states(workflow)
    problems = []
    labels = dict(State.choices)
    missing = [stage for stage in workflow.stages if stage not in reachable]
    if missing:
        problems.append(
            _("Orders could never reach these stages of the workflow: %(stages)s.")
            % {"stages": ", ".join(str(labels.get(stage, stage)) for stage in missing)}
        )
    if State.CLOSED not in reachable or State.PAYMENT in missing:
        problems.append(
            _(
                "Orders of this workflow would have no way to be paid and closed. "
                "Payment after delivery needs the delivery stage."
            )
            if not workflow.uses_delivery and workflow.payment_terms == "postpay"
            else _("Orders of this workflow would have no way to be closed.")
        )
    return problems
