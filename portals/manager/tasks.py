"""Tasks in the manager portal: saved views, done / reassign, tasks by hand, the order's panel.

Who may: every manager-portal user sees the tasks the selectors give them; creating one
needs `orders.process_order`; done and reassign are checked per task by the services
(`tasks.permissions`), and the buttons only show where they would succeed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.form_errors import form_add_errors
from core.portals import MANAGER_PORTAL_PERMISSION
from orders.selectors import order_get_for_user, order_list_for_user
from portals.manager.order_page import order_page_response, tasks_with_actions
from portals.manager.task_forms import OrderTaskForm, TaskForm, TaskReassignForm
from tasks.errors import TaskError, TaskPermissionError, TaskValidationError
from tasks.models import TASK_ROLE_CHOICES
from tasks.permissions import CREATE_TASK, task_may_change
from tasks.selectors import (
    SavedView,
    saved_views_for,
    task_get_for_user,
    task_list_saved_view,
)
from tasks.services import task_complete, task_create, task_reassign

PAGE_SIZE = 50
portal_users = permission_required(MANAGER_PORTAL_PERMISSION, raise_exception=True)
task_creators = permission_required((MANAGER_PORTAL_PERMISSION, CREATE_TASK), raise_exception=True)


def _back(request) -> str:
    """Where the user came from (the list with its view, or the order page); only our own."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("portals_manager:task_list")


def _form_errors(form, error: TaskValidationError) -> None:
    form_add_errors(form, error.errors)


@require_GET
@login_required
@portal_users
def task_list(request):
    views = saved_views_for(request.user)
    view = request.GET.get("view") or SavedView.MINE
    if view not in dict(views):
        if view in dict(SavedView.CHOICES):
            raise PermissionDenied
        raise Http404("No such view")
    now = timezone.now()
    page = Paginator(
        task_list_saved_view(user=request.user, view=view, now=now), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "portals/manager/task_list.html",
        {
            "views": views,
            "view": view,
            "page_obj": page,
            "tasks": tasks_with_actions(list(page.object_list), request.user),
            "now": now,
            "may_create": request.user.has_perm(CREATE_TASK),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
@task_creators
def task_new(request):
    orders = order_list_for_user(user=request.user)
    initial = {}
    if order_id := request.GET.get("order", ""):
        order = orders.filter(pk=order_id).first() if order_id.isdigit() else None
        if order is None:
            raise Http404("No such order")
        initial["order"] = order.number
    form = TaskForm(request.POST or None, orders=orders, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = task_create(
                title=data["title"],
                description=data["description"],
                due_at=data["due_at"],
                assignee=data["assignee"],
                role=data["role"],
                order=data["order"],
                by=request.user,
            )
        except TaskPermissionError as error:
            raise PermissionDenied from error
        except TaskValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Task “%(title)s” created.") % {"title": task.title})
            if task.order_id:
                return redirect("portals_manager:order_page", pk=task.order_id)
            return redirect("portals_manager:task_list")
    return render(request, "portals/manager/task_form.html", {"form": form})


@require_POST
@login_required
@portal_users
def task_done(request, pk):
    task = task_get_for_user(user=request.user, task_id=pk)
    try:
        task_complete(task=task, by=request.user)
    except TaskPermissionError as error:
        raise PermissionDenied from error
    except TaskError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Task “%(title)s” is done.") % {"title": task.title})
    return redirect(_back(request))


@require_http_methods(["GET", "POST"])
@login_required
@portal_users
def task_reassign_page(request, pk):
    """The form, then a confirmation naming who gets the task, then the change."""
    task = task_get_for_user(user=request.user, task_id=pk)
    if not task_may_change(request.user, task, in_my_role=task.in_my_role):
        raise PermissionDenied
    form = TaskReassignForm(request.POST or None)
    context = {"task": task, "form": form, "back": _back(request), "confirming": False}
    if request.method == "POST" and form.is_valid():
        if request.POST.get("confirmed") != "1":
            context["confirming"] = True
            context["role_label"] = dict(TASK_ROLE_CHOICES).get(form.cleaned_data["role"], "")
            return render(request, "portals/manager/task_reassign.html", context)
        try:
            task_reassign(
                task=task,
                by=request.user,
                assignee=form.cleaned_data["assignee"],
                role=form.cleaned_data["role"],
            )
        except TaskPermissionError as error:
            raise PermissionDenied from error
        except TaskValidationError as error:
            _form_errors(form, error)
        except TaskError as error:
            messages.error(request, error.message)
            return redirect(context["back"])
        else:
            messages.success(request, _("The task is handed over."))
            return redirect(context["back"])
    return render(request, "portals/manager/task_reassign.html", context)


@require_POST
@login_required
@task_creators
def order_task_add(request, pk):
    order = order_get_for_user(user=request.user, order_id=pk)
    form = OrderTaskForm(request.POST)
    if form.is_valid():
        try:
            task_create(
                title=form.cleaned_data["title"],
                due_at=form.cleaned_data["due_at"],
                order=order,
                by=request.user,
            )
        except TaskPermissionError as error:
            raise PermissionDenied from error
        except TaskValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Task added."))
            return redirect("portals_manager:order_page", pk=pk)
    return order_page_response(request, order, task_form=form)
