"""The workflow editor of the admin portal: stages, payment terms, stage deadlines, the
tasks made on entering a stage, the change history and a diagram of the path."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.forms import inlineformset_factory
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from core.form_errors import form_add_errors
from core.history import EMPTY, history_entries
from core.portals import ADMIN_PORTAL_PERMISSION
from orders.errors import OrderError, OrderValidationError
from orders.lifecycle import State
from orders.models import Workflow
from tasks.errors import TaskError, TaskValidationError
from tasks.models import TaskRule
from tasks.services import TASK_RULE_FIELDS, TaskRuleChange, workflow_with_rules_save

workflow_admins = permission_required(
    (ADMIN_PORTAL_PERMISSION, "orders.manage_workflow"), raise_exception=True
)
# Stages an SLA may be set on: the sales path and the support flow.
SLA_STATES = (
    State.REQUEST,
    State.QUOTE,
    State.CONTRACT,
    State.PAYMENT,
    State.PRODUCTION,
    State.DELIVERY,
    State.SERVICE,
    State.NEW,
    State.IN_PROGRESS,
    State.WAITING_CLIENT,
)


class WorkflowForm(forms.ModelForm):
    class Meta:
        model = Workflow
        fields = [
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
            "sla_business_hours",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        hours = self.instance.stage_sla_hours or {}
        for state in SLA_STATES:
            self.fields[f"sla_{state}"] = forms.IntegerField(
                label=_("Deadline at “%(stage)s”, hours") % {"stage": State(state).label},
                min_value=1,
                max_value=24 * 365,
                required=False,
                initial=hours.get(state),
            )

    def sla_fields(self):
        return [self[f"sla_{state}"] for state in SLA_STATES]

    def changes(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["stage_sla_hours"] = {
            state: self.cleaned_data[f"sla_{state}"]
            for state in SLA_STATES
            if self.cleaned_data.get(f"sla_{state}")
        }
        return data

    def _post_clean(self):
        # The service validates and saves; the ModelForm must not touch the instance.
        pass


TaskRuleFormSet = inlineformset_factory(
    Workflow,
    TaskRule,
    fields=["state", "title", "role", "user", "due_offset_hours", "closes_with_stage", "is_active"],
    extra=1,
    can_delete=True,
    labels={"due_offset_hours": gettext_lazy("Due in, hours")},
)


@require_GET
@login_required
@workflow_admins
def workflow_list(request):
    workflows = Workflow.objects.select_related("category").order_by(
        "kind", "customer_kind", "name"
    )
    return render(request, "portals/admin/workflow_list.html", {"workflows": workflows})


@require_http_methods(["GET", "POST"])
@login_required
@workflow_admins
def workflow_edit(request, pk=None):
    workflow = get_object_or_404(Workflow, pk=pk) if pk else Workflow()
    form = WorkflowForm(request.POST or None, instance=workflow)
    rules = TaskRuleFormSet(request.POST or None, instance=workflow, prefix="rules")
    if request.method == "POST" and form.is_valid() and rules.is_valid():
        rule_forms, rule_changes = _rule_changes(rules)
        try:
            saved = workflow_with_rules_save(
                workflow=workflow, changes=form.changes(), by=request.user, task_rules=rule_changes
            )
        except OrderValidationError as error:
            form_add_errors(form, error.errors)
        except TaskValidationError as error:
            _rule_errors(form, rule_forms, error.errors)
        except (OrderError, TaskError) as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Workflow “%(name)s” is saved.") % {"name": saved.name})
            return redirect("portals_admin:workflow_edit", pk=saved.pk)
    return render(
        request,
        "portals/admin/workflow_edit.html",
        {"form": form, "rules": rules, "workflow": workflow, "stages": _diagram(workflow)},
    )


def _rule_changes(rules) -> tuple[list, list[TaskRuleChange]]:
    """The formset as the rule changes the service takes, with the form of each change."""
    forms_, changes = [], []
    for rule_form in rules.forms:
        pk = rule_form.instance.pk
        if rule_form in rules.deleted_forms:
            if pk is not None:
                forms_.append(rule_form)
                changes.append(TaskRuleChange(pk=pk, delete=True))
            continue
        if not rule_form.has_changed():
            continue
        values = {
            name: rule_form.cleaned_data[name]
            for name in TASK_RULE_FIELDS
            if name in rule_form.cleaned_data
        }
        forms_.append(rule_form)
        changes.append(TaskRuleChange(pk=pk, values=values))
    return forms_, changes


def _rule_errors(form, rule_forms, errors: dict) -> None:
    for key, messages_ in errors.items():
        _prefix, index, field = key.split(".", 2)
        rule_form = rule_forms[int(index)]
        target = field if field in rule_form.fields else None
        for message in messages_:
            rule_form.add_error(target, message)
    # Shown above the form too, so the reason the workflow was not saved is not missed.
    form.add_error(None, _("A task rule has errors; the workflow is not saved."))


@require_GET
@login_required
@workflow_admins
def workflow_history(request, pk):
    workflow = get_object_or_404(Workflow, pk=pk)
    return render(
        request,
        "portals/admin/workflow_history.html",
        {"workflow": workflow, "entries": _history(workflow)},
    )


def _history(workflow: Workflow) -> list:
    """Changes of the settings and of the stage tasks, newest first."""
    settings_entries = history_entries(
        workflow.history.select_related("history_user"),
        formatters={"stage_sla_hours": _sla_shown},
    )
    task_entries = history_entries(
        TaskRule.history.filter(workflow_id=workflow.pk).select_related("history_user"),
        hidden=["workflow"],
        subject=lambda record: _("Stage task “%(title)s”") % {"title": record.title},
    )
    return sorted([*settings_entries, *task_entries], key=lambda e: e.when, reverse=True)


def _sla_shown(hours) -> str:
    labels = dict(State.choices)
    return (
        ", ".join(
            _("%(stage)s: %(hours)s h") % {"stage": labels.get(state, state), "hours": value}
            for state, value in (hours or {}).items()
        )
        or EMPTY
    )


def _diagram(workflow: Workflow) -> list[dict]:
    """The boxes of the workflow's path for the SVG: label, deadline and tasks per stage."""
    if not workflow.kind:
        return []
    hours = workflow.stage_sla_hours or {}
    tasks = {}
    if workflow.pk:
        for rule in workflow.task_rules.filter(is_active=True):
            tasks[rule.state] = tasks.get(rule.state, 0) + 1
    return [
        {
            "x": 10 + index * 150,
            "label": State(stage).label,
            "hours": hours.get(stage),
            "tasks": tasks.get(stage, 0),
            "last": index == len(workflow.stages) - 1,
        }
        for index, stage in enumerate(workflow.stages)
    ]
