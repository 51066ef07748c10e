"""Who may do what with a task: one rule for the services and for the pages' buttons.

Reading follows `selectors.task_list_for_user`. Changing a task (done, reassign) is for
people who act on orders: on their own tasks, on unassigned tasks of their role, and,
with `tasks.change_task`, on anyone's. A director acts on none, so reads only.
"""

from django.contrib.auth.models import Group

from orders.lifecycle import HANDLE_DELIVERY, HANDLE_PRODUCTION, PROCESS_ORDER

CHANGE_ANY_TASK = "tasks.change_task"
VIEW_ALL_TASKS = "tasks.view_all_tasks"
# Creating a task by hand is part of processing orders.
CREATE_TASK = PROCESS_ORDER
ACTING_PERMISSIONS = (PROCESS_ORDER, HANDLE_PRODUCTION, HANDLE_DELIVERY)


def user_acts_on_orders(user) -> bool:
    return any(user.has_perm(permission) for permission in ACTING_PERMISSIONS)


def task_in_users_role(task, user) -> bool:
    """Unassigned and waiting for one of the user's roles (asks the database)."""
    if task.assignee_id is not None or not task.role:
        return False
    return Group.objects.filter(user=user, name=task.role).exists()


def task_may_change(user, task, *, in_my_role: bool) -> bool:
    """May `user` mark `task` done or hand it over? `in_my_role` from the selector's
    annotation or `task_in_users_role`; None as user is the system."""
    if user is None:
        return True
    if not user.is_active or not user_acts_on_orders(user):
        return False
    if user.has_perm(CHANGE_ANY_TASK):
        return True
    return task.assignee_id == user.pk or (task.assignee_id is None and in_my_role)
