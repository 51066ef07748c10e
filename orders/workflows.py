from collections.abc import Iterable

from catalog.models import Category
from orders.models import Workflow


def workflow_for(*, kind: str, customer, items: Iterable) -> Workflow | None:
    """The most specific active workflow for an order: category beats customer kind beats none."""
    # Paths read fresh: inserting a sibling renumbers paths behind cached instances' backs.
    category_ids = {item.category_id for item in items if item.category_id is not None}
    category_paths = list(
        Category.objects.filter(pk__in=category_ids).values_list("path", flat=True)
    )
    best, best_score = None, -1
    candidates = (
        Workflow.objects.filter(kind=kind, is_active=True, customer_kind__in=["", customer.kind])
        .select_related("category")
        .order_by("id")
    )
    for workflow in candidates:
        score = 0
        if workflow.category_id is not None:
            if not any(path.startswith(workflow.category.path) for path in category_paths):
                continue
            score += 2
        if workflow.customer_kind:
            score += 1
        if score > best_score:
            best, best_score = workflow, score
    return best
