import functools
from collections.abc import Callable, Iterable
from copy import copy

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from catalog.models import Category
from core.query_shapes import QueryShape
from orders.errors import OrderPermissionError, OrderValidationError
from orders.lifecycle import State
from orders.models import BusinessCalendar, Workflow
from orders.workflow_check import workflow_problems

# What other apps need to know of the workflow an order is being made with, read in
# `workflow_for`'s one query: attribute name -> a function giving an expression over
# Workflow. The tasks app adds whether the workflow has an active stage-task rule, so an
# order made with a workflow that has none does not ask for them (see `tasks.apps`).
WORKFLOW_FOR_ANNOTATIONS: dict[str, Callable] = {}


def workflow_for(*, kind: str, customer, items: Iterable) -> Workflow | None:
    """The most specific active workflow for an order: category beats customer kind beats none."""
    # Paths compared in the database, fresh: inserting a sibling renumbers paths behind
    # cached instances' backs. One query: the candidates, each marked if its category
    # holds one of the items' categories.
    category_ids = sorted({item.category_id for item in items if item.category_id is not None})
    categories = {f"category_{index}": pk for index, pk in enumerate(category_ids)}
    if len(categories) <= SHAPED_CATEGORIES:
        # Every order asks: compiled once per number of categories (`core.query_shapes`).
        shape = _candidates_shape(len(categories))
        candidates = shape.objects(kind=kind, customer_kind=customer.kind, **categories)
    else:
        candidates = _candidates(kind=kind, customer_kind=customer.kind, **categories)
    best, best_score = None, -1
    for workflow in candidates:
        score = 0
        if workflow.category_id is not None:
            if not workflow.holds_an_item:
                continue
            score += 2
        if workflow.customer_kind:
            score += 1
        if score > best_score:
            best, best_score = workflow, score
    return best


SHAPED_CATEGORIES = 8


def _candidates(*, kind, customer_kind, **categories):
    holds_an_item = Exists(
        Category.objects.filter(
            pk__in=list(categories.values()), path__startswith=OuterRef("category__path")
        )
    )
    return (
        Workflow.objects.filter(kind=kind, is_active=True, customer_kind__in=["", customer_kind])
        .annotate(
            holds_an_item=holds_an_item,
            **{name: expression() for name, expression in WORKFLOW_FOR_ANNOTATIONS.items()},
        )
        .order_by("id")
    )


@functools.cache
def _candidates_shape(category_count: int) -> QueryShape:
    # Built at the first order, after every app's `ready()` has registered its annotations.
    categories = [f"category_{index}" for index in range(category_count)]
    return QueryShape(
        _candidates, "kind", "customer_kind", *categories, text=["kind", "customer_kind"]
    )


# Configuration: the admin portal's editor and the Django admin save through here.

SETTINGS_FIELDS = (
    "name",
    "kind",
    "customer_kind",
    "category",
    "uses_quote",
    "uses_contract",
    "uses_delivery",
    "ships_by_carrier",
    "uses_service",
    "payment_terms",
    "prepayment_percent",
    "allow_balance_payment",
    "allow_bonus_payment",
    "stage_sla_hours",
    "sla_business_hours",
    "is_active",
)


def _sla_errors(hours: dict) -> list[str]:
    states = dict(State.choices)
    bad = [
        key
        for key, value in (hours or {}).items()
        if key not in states or not isinstance(value, int) or value <= 0
    ]
    return [_("Stage deadlines must be whole hours above zero for known stages.")] if bad else []


def workflow_check(*, workflow: Workflow, changes: dict, by) -> Workflow:
    """`workflow` with `changes` applied, unsaved, if `workflow_save` would accept it.

    Raises what `workflow_save` raises; forms call it to show a refusal on the form
    (the Django admin's `clean()`) before anything is written.
    """
    if by is None or not by.has_perm("orders.manage_workflow"):
        raise OrderPermissionError()
    candidate = copy(workflow)
    for name, value in changes.items():
        if name not in SETTINGS_FIELDS:
            raise OrderValidationError({name: [_("Unknown setting.")]})
        setattr(candidate, name, value)
    errors = {}
    try:
        candidate.full_clean()
    except ValidationError as error:
        errors.update(error.message_dict)
    if sla_errors := _sla_errors(candidate.stage_sla_hours):
        errors["stage_sla_hours"] = sla_errors
    if not errors and (problems := workflow_problems(candidate)):
        errors["__all__"] = problems
    if errors:
        raise OrderValidationError(errors)
    return candidate


def workflow_save(*, workflow: Workflow, changes: dict, by) -> Workflow:
    """Apply `changes` to `workflow` (new or existing) if orders could still get through it.

    Refused with `OrderValidationError` naming the fields, or under "__all__" why orders
    would get stuck; then nothing is saved. The workflow's history records who changed what.
    Orders keep a reference to their workflow: a change applies to the stages they enter
    afterwards, and an order already in a stage the change removes can still leave it.
    The stage tasks are saved with their workflow by `tasks.services.workflow_with_rules_save`.
    """
    candidate = workflow_check(workflow=workflow, changes=changes, by=by)
    with transaction.atomic():
        if workflow.pk:
            # Two admins saving at once leave two history rows in a true order.
            Workflow.objects.select_for_update().get(pk=workflow.pk)
        candidate._history_user = by
        candidate.save()
    return candidate


CALENDAR_FIELDS = ("day_start", "day_end", "workdays", "holidays", "extra_workdays")


def business_calendar_save(*, changes: dict, by) -> BusinessCalendar:
    """Apply `changes` to the business calendar that SLAs in business hours count in.

    Refused with `OrderPermissionError` for users who may not configure workflows, and
    with `OrderValidationError` naming the fields; then nothing is saved. Its history
    records who changed what. Deadlines already set keep their time: the calendar counts
    for stages entered afterwards.
    """
    if by is None or not by.has_perm("orders.manage_workflow"):
        raise OrderPermissionError()
    unknown = set(changes) - set(CALENDAR_FIELDS)
    if unknown:
        raise OrderValidationError({name: [_("Unknown setting.")] for name in sorted(unknown)})
    with transaction.atomic():
        BusinessCalendar.get()
        calendar = BusinessCalendar.objects.select_for_update().get()
        for name, value in changes.items():
            setattr(calendar, name, value)
        try:
            calendar.full_clean()
        except ValidationError as error:
            raise OrderValidationError(error.message_dict) from error
        calendar._history_user = by
        calendar.save()
    return calendar
