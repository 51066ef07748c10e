"""The only code that writes tasks, and the stage-task rules of workflows.

Each write runs in a transaction and, when it gives a task to someone other than the
person acting, writes an in-app notification for them as an outbox row in that same
transaction (topic "task.assigned").
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role
from notifications.outbox import outbox_write
from orders.actions import OrderAction
from orders.models import Order, Workflow
from orders.workflows import workflow_check, workflow_save
from tasks.errors import TaskPermissionError, TaskStateError, TaskValidationError
from tasks.models import TASK_ROLES, Task, TaskRule
from tasks.permissions import (
    CREATE_TASK,
    task_in_users_role,
    task_may_change,
    user_acts_on_orders,
)


def _validate_assignment(*, assignee, role: str, errors: dict) -> None:
    if assignee is not None and (not assignee.is_active or not user_acts_on_orders(assignee)):
        errors["assignee"] = [_("This person does not work on orders.")]
    if role and role not in TASK_ROLES:
        errors["role"] = [_("Tasks cannot wait for this role.")]


def _notify_assigned(task: Task, *, by) -> None:
    if task.assignee_id is None or (by is not None and task.assignee_id == by.pk):
        return
    # An order's task is an effect on that order: the notification then links the order.
    has_order = task.order_id is not None
    outbox_write(
        topic="task.assigned",
        aggregate_type="order" if has_order else "task",
        aggregate_id=task.order_id if has_order else task.pk,
        payload={
            "task_id": task.pk,
            "title": task.title,
            "assignee_id": task.assignee_id,
            "order_id": task.order_id,
            "due_at": task.due_at.isoformat(),
            "actor_id": by.pk if by else None,
        },
        # Each assignment is its own effect; repeating the same write is not.
        dedupe_key=f"task-assigned:{task.pk}:{task.assigned_at.isoformat()}",
    )


def _is_past(due_at) -> bool:
    # The current minute still counts: the form's picker has no seconds.
    return due_at < timezone.now().replace(second=0, microsecond=0)


def _due_in_past_message(due_at) -> str:
    return _("The due time %(due)s has passed; choose a later time.") % {
        "due": timezone.localtime(due_at).strftime("%d.%m.%Y %H:%M")
    }


def task_create(
    *, title: str, due_at, by, description: str = "", assignee=None, role: str = "", order=None
) -> Task:
    """Create a task by hand. `by` must process orders (None: the system). Without an
    assignee or a role the task is `by`'s own. `order`, when given, is one `by` may see
    (the caller read it through the order selectors). The due time may not have passed
    (a task made by hand is work still to do). Raises `TaskPermissionError`, or
    `TaskValidationError` naming every bad field, and then writes nothing."""
    if by is not None and not by.has_perm(CREATE_TASK):
        raise TaskPermissionError()
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("Give the task a title.")]
    if due_at is None:
        errors["due_at"] = [_("Say when the task is due.")]
    elif _is_past(due_at):
        errors["due_at"] = [_due_in_past_message(due_at)]
    _validate_assignment(assignee=assignee, role=role, errors=errors)
    if errors:
        raise TaskValidationError(errors)
    if assignee is None and not role:
        assignee = by
    with transaction.atomic():
        task = Task.objects.create(
            order=order,
            title=title,
            description=(description or "").strip(),
            assignee=assignee,
            role=role,
            due_at=due_at,
            created_by=by,
            assigned_at=timezone.now() if assignee is not None else None,
        )
        _notify_assigned(task, by=by)
    return task


def _lock(task: Task) -> Task:
    return Task.objects.select_for_update().get(pk=task.pk)


def _check_may_change(locked: Task, by) -> None:
    in_my_role = by is not None and task_in_users_role(locked, by)
    if not task_may_change(by, locked, in_my_role=in_my_role):
        raise TaskPermissionError()
    if locked.status != Task.Status.OPEN:
        raise TaskStateError()


def task_complete(*, task: Task, by) -> Task:
    """Mark an open task done. `by` must be its assignee, of its role while unassigned,
    or hold `tasks.change_task`. Raises `TaskPermissionError`, or `TaskStateError` when
    it is done already (someone was faster); then nothing changes."""
    with transaction.atomic():
        locked = _lock(task)
        _check_may_change(locked, by)
        locked.status = Task.Status.DONE
        locked.done_at = timezone.now()
        locked.done_by = by
        locked.save(update_fields=["status", "done_at", "done_by"])
    return locked


def task_reassign(*, task: Task, by, assignee=None, role: str = "") -> Task:
    """Give an open task to one person, or back to a role's pool (no assignee).

    Who may: as for `task_complete`. The new assignee must work on orders and is
    notified in-app. Raises `TaskPermissionError`, `TaskStateError` or
    `TaskValidationError`; then nothing changes. Giving it to whoever has it changes nothing.
    """
    errors: dict[str, list[str]] = {}
    if (assignee is None) == (not role):
        errors["assignee"] = [_("Choose either a person or a role.")]
    _validate_assignment(assignee=assignee, role=role, errors=errors)
    with transaction.atomic():
        locked = _lock(task)
        _check_may_change(locked, by)
        if errors:
            raise TaskValidationError(errors)
        if assignee is not None:
            if locked.assignee_id == assignee.pk:
                return locked
            locked.assignee = assignee
            locked.assigned_at = timezone.now()
        else:
            if locked.assignee_id is None and locked.role == role:
                return locked
            locked.assignee = None
            locked.assigned_at = None
            locked.role = role
        locked.save(update_fields=["assignee", "assigned_at", "role"])
        _notify_assigned(locked, by=by)
    return locked


def _rule_assignee(rule: TaskRule, order):
    """Who gets a rule's task: the rule's person, or the order's manager for the manager
    role; anyone else of the role picks it up from the pool."""
    if rule.user_id is not None and rule.user.is_active:
        return rule.user
    manager = order.manager
    wants_manager = rule.role == Role.MANAGER or rule.user_id is not None
    if wants_manager and manager is not None and manager.is_active:
        return manager
    return None


def _may_have_rules(order) -> bool:
    """False when the workflow was read with the order's creation and had no active rule.

    `orders.workflows.workflow_for` reads `has_active_task_rules` with the workflow, in the
    creation's own call; a workflow loaded any other way says nothing and rules are read.
    """
    if not Order.workflow.is_cached(order):
        return True
    return getattr(order.workflow, "has_active_task_rules", True) is not False


def tasks_create_for_stage_entry(order, event) -> list[Task]:
    """Create the tasks of the order's workflow's active rules for the state `event`
    entered; each is due the rule's offset after the event.

    Run on `orders.signals.stage_entered`, inside the transition's transaction, with the order
    locked. One task per (rule, order, event): calling it again creates nothing.
    Writes an in-app notification row for each task that got an assignee.
    """
    if order.workflow_id is None:
        return []
    if event.action == OrderAction.CREATED and not _may_have_rules(order):
        return []
    rules = list(
        TaskRule.objects.filter(
            workflow_id=order.workflow_id, state=event.to_state, is_active=True
        ).select_related("user")
    )
    if not rules:
        return []  # the common case: no savepoint round trips for nothing
    created = []
    with transaction.atomic():
        for rule in rules:
            assignee = _rule_assignee(rule, order)
            # A rule naming someone who left leaves the task to the managers' pool.
            role = rule.role or ("" if assignee is not None else Role.MANAGER)
            try:
                with transaction.atomic():
                    task = Task.objects.create(
                        order=order,
                        title=rule.title,
                        description=rule.description,
                        assignee=assignee,
                        role=role,
                        due_at=event.created_at + timedelta(hours=rule.due_offset_hours),
                        rule=rule,
                        event=event,
                        assigned_at=timezone.now() if assignee is not None else None,
                    )
            except IntegrityError:
                if Task.objects.filter(rule=rule, order=order, event=event).exists():
                    continue  # made by an earlier call for this very stage entry
                raise
            _notify_assigned(task, by=None)
            created.append(task)
    return created


def tasks_close_for_stage_exit(order, *, left_state: str, at) -> int:
    """Close the order's open tasks made on entering `left_state` by rules that say so.

    Run on `orders.signals.stage_left`, in the transition's transaction, with the order locked,
    when the order moves to another state: one UPDATE, whatever the rules. Tasks made by
    hand, and those of rules that keep them, stay open. Returns how many were closed.
    """
    return Task.objects.filter(
        order=order,
        status=Task.Status.OPEN,
        event__to_state=left_state,
        rule__closes_with_stage=True,
    ).update(status=Task.Status.STAGE_LEFT, done_at=at)


# Configuration: the stage tasks a workflow makes, saved with it; each rule has a history.

TASK_RULE_FIELDS = (
    "state",
    "title",
    "description",
    "role",
    "user",
    "due_offset_hours",
    "closes_with_stage",
    "is_active",
)


@dataclass(frozen=True)
class TaskRuleChange:
    """One stage-task rule to create (`pk` None), update, or delete (`delete`).

    `values` holds `TASK_RULE_FIELDS` (the user as an instance); a field left out keeps
    its saved value, or the model's default for a new rule."""

    pk: int | None = None
    values: dict = field(default_factory=dict)
    delete: bool = False


def _task_rules_prepare(
    workflow: Workflow, task_rules: list[TaskRuleChange]
) -> list[tuple[TaskRule, bool]]:
    """The rules with the changes applied, unsaved, or `TaskValidationError` with the
    errors of rule number N under "task_rules.N.<field>"."""
    existing = {}
    if workflow.pk:
        existing = {
            rule.pk: rule
            for rule in TaskRule.objects.filter(
                workflow=workflow, pk__in=[change.pk for change in task_rules if change.pk]
            )
        }
    prepared, errors = [], {}
    for index, change in enumerate(task_rules):
        prefix = f"task_rules.{index}."
        if change.pk is not None and change.pk not in existing:
            errors[prefix + "__all__"] = [_("This task rule belongs to another workflow.")]
            continue
        if change.delete:
            if change.pk is not None:
                prepared.append((existing[change.pk], True))
            continue
        rule = existing.get(change.pk) or TaskRule(workflow=workflow if workflow.pk else None)
        for name, value in change.values.items():
            if name not in TASK_RULE_FIELDS:
                errors[prefix + name] = [_("Unknown setting.")]
                continue
            setattr(rule, name, value)
        rule_errors: dict[str, list[str]] = {}
        try:
            # The workflow of a new one may not be saved yet; the caller links them.
            rule.full_clean(exclude=["workflow"])
        except ValidationError as error:
            rule_errors.update(error.message_dict)
        if "user" in change.values and rule.user is not None:
            _validate_assignment(assignee=rule.user, role="", errors=rule_errors)
            if "assignee" in rule_errors:
                rule_errors["user"] = rule_errors.pop("assignee")
        errors.update({prefix + name: messages for name, messages in rule_errors.items()})
        prepared.append((rule, False))
    if errors:
        raise TaskValidationError(errors)
    return prepared


def _task_rules_write(workflow: Workflow, prepared: list[tuple[TaskRule, bool]], by) -> None:
    for rule, delete in prepared:
        rule._history_user = by
        if delete:
            # Tasks already made keep their text; they only lose the link to the rule.
            rule.delete()
        else:
            rule.workflow = workflow
            rule.save()


def workflow_with_rules_save(
    *, workflow: Workflow, changes: dict, by, task_rules: list[TaskRuleChange] = ()
) -> Workflow:
    """Save a workflow's settings (`orders.workflows.workflow_save`) and its stage-task
    rules in one transaction; the history of each names `by`.

    Raises `OrderPermissionError`/`OrderValidationError` for the settings, or
    `TaskValidationError` for the rules (keys "task_rules.N.<field>"); then nothing is
    saved. The rules are checked first, so a bad rule costs no workflow lock.
    """
    return _workflow_with_rules_save(workflow, changes, by, list(task_rules))[0]


def _workflow_with_rules_save(workflow, changes, by, task_rules):
    prepared = _task_rules_prepare(workflow, task_rules)
    with transaction.atomic():
        saved = workflow_save(workflow=workflow, changes=changes, by=by)
        if prepared:
            _task_rules_write(saved, prepared, by)
    return saved, [rule for rule, _delete in prepared]


def task_rule_check(*, workflow: Workflow, change: TaskRuleChange, by) -> None:
    """Raise what `task_rule_save` would for `change`, writing nothing (a form's dry run)."""
    workflow_check(workflow=workflow, changes={}, by=by)
    _task_rules_prepare(workflow, [change])


def task_rule_save(*, rule: TaskRule, values: dict, by, delete: bool = False) -> TaskRule:
    """Create, change or delete one stage-task rule of `rule.workflow` (the Django admin's
    way in): checked as the workflow editor checks it, and recorded in the rule's
    history. Raises as `workflow_with_rules_save`; then nothing changes."""
    workflow = Workflow.objects.get(pk=rule.workflow_id)
    change = TaskRuleChange(pk=rule.pk, values=values, delete=delete)
    _saved, rules = _workflow_with_rules_save(workflow, {}, by, [change])
    return rules[0]
