"""Reads of tasks, scoped to what the user may see, with the joins each page shows."""

from datetime import datetime, time, timedelta

from django.contrib.auth.models import Group
from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from tasks.models import Task, TaskRule
from tasks.permissions import ACTING_PERMISSIONS, VIEW_ALL_TASKS


def has_active_task_rules() -> Exists:
    """Whether a workflow (the outer query) has any active stage-task rule."""
    return Exists(TaskRule.objects.filter(workflow=OuterRef("pk"), is_active=True))


class SavedView:
    MINE, TODAY, OVERDUE, ROLE, ALL = "mine", "today", "overdue", "role", "all"
    CHOICES = [
        (MINE, _("My tasks")),
        (TODAY, _("Due today")),
        (OVERDUE, _("Overdue")),
        (ROLE, _("My role's unassigned")),
        (ALL, _("All open")),
    ]


def task_list_for_user(*, user) -> QuerySet[Task]:
    """Every task for those who see all; otherwise the user's own, the ones they created
    and the unassigned ones of their roles. Each row carries `in_my_role`."""
    if not user.is_authenticated or not user.is_active:
        return Task.objects.none()
    tasks = Task.objects.select_related("order__customer", "assignee").annotate(
        in_my_role=Exists(Group.objects.filter(user=user, name=OuterRef("role")))
    )
    if user.has_perm(VIEW_ALL_TASKS):
        return tasks
    return tasks.filter(
        Q(assignee=user) | Q(created_by=user) | Q(assignee__isnull=True, in_my_role=True)
    )


def saved_views_for(user) -> list[tuple[str, str]]:
    return [
        (code, label)
        for code, label in SavedView.CHOICES
        if code != SavedView.ALL or user.has_perm(VIEW_ALL_TASKS)
    ]


def _today_bounds(now: datetime) -> tuple[datetime, datetime]:
    """Today in the business time zone, as "due today" means to the people reading it."""
    start = timezone.make_aware(datetime.combine(timezone.localdate(now), time.min))
    return start, start + timedelta(days=1)


def task_list_saved_view(*, user, view: str, now: datetime | None = None) -> QuerySet[Task]:
    """Open tasks of one saved view, soonest due first. "Today" and "overdue" cover the
    user's own tasks and their roles' unassigned ones; "all" needs `view_all_tasks`."""
    now = now or timezone.now()
    tasks = task_list_for_user(user=user).filter(status=Task.Status.OPEN)
    my_work = Q(assignee=user) | Q(assignee__isnull=True, in_my_role=True)
    if view == SavedView.MINE:
        tasks = tasks.filter(assignee=user)
    elif view == SavedView.TODAY:
        start, end = _today_bounds(now)
        tasks = tasks.filter(my_work, due_at__gte=start, due_at__lt=end)
    elif view == SavedView.OVERDUE:
        tasks = tasks.filter(my_work, due_at__lt=now)
    elif view == SavedView.ROLE:
        tasks = tasks.filter(assignee__isnull=True, in_my_role=True)
    elif view != SavedView.ALL or not user.has_perm(VIEW_ALL_TASKS):
        return Task.objects.none()
    return tasks.order_by("due_at", "id")


def task_count_due(*, user, now: datetime | None = None) -> dict[str, int]:
    """How many open tasks the "due today" and "overdue" saved views list. One query."""
    now = now or timezone.now()
    start, end = _today_bounds(now)
    my_work = Q(assignee=user) | Q(assignee__isnull=True, in_my_role=True)
    return (
        task_list_for_user(user=user)
        .filter(my_work, status=Task.Status.OPEN)
        .aggregate(
            today=Count("pk", filter=Q(due_at__gte=start, due_at__lt=end)),
            overdue=Count("pk", filter=Q(due_at__lt=now)),
        )
    )


def task_count_overdue_by_assignee(*, user, now: datetime | None = None) -> dict[int, int]:
    """Open overdue tasks per assignee, of the tasks `user` may see. One query."""
    now = now or timezone.now()
    return dict(
        task_list_for_user(user=user)
        .filter(status=Task.Status.OPEN, due_at__lt=now, assignee__isnull=False)
        .order_by()
        .values_list("assignee_id")
        .annotate(count=Count("pk"))
    )


def task_get_for_user(*, user, task_id) -> Task:
    """One task the user may see; 404 otherwise, so another's task is not even confirmed."""
    try:
        return task_list_for_user(user=user).get(pk=task_id)
    except (Task.DoesNotExist, ValueError, TypeError) as error:
        raise Http404("No such task") from error


def tasks_for_order(*, order, user) -> QuerySet[Task]:
    """The order's tasks the user may see: open ones first, soonest due first."""
    closed_last = Case(When(status=Task.Status.OPEN, then=0), default=1)
    return task_list_for_user(user=user).filter(order=order).order_by(closed_last, "due_at", "id")


def task_assignable_users() -> QuerySet[User]:
    """Active people who act on orders: only they can take a task on."""
    codenames = [permission.split(".", 1)[1] for permission in ACTING_PERMISSIONS]
    through_group = Q(
        groups__permissions__codename__in=codenames,
        groups__permissions__content_type__app_label="orders",
    )
    direct = Q(
        user_permissions__codename__in=codenames,
        user_permissions__content_type__app_label="orders",
    )
    return (
        User.objects.filter(
            through_group | direct | Q(is_superuser=True), is_active=True, is_service=False
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )
