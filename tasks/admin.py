from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdmin
from orders.errors import OrderError, OrderValidationError
from tasks.errors import TaskError, TaskValidationError
from tasks.models import Task, TaskRule
from tasks.services import TASK_RULE_FIELDS, TaskRuleChange, task_rule_check, task_rule_save


class TaskRuleAdminForm(forms.ModelForm):
    """Runs the service's check in a dry run, so what it refuses (a person who does not
    work on orders, a workflow the change would break) is shown on the form."""

    user_acting = None  # set per request by `TaskRuleAdmin.get_form`

    class Meta:
        model = TaskRule
        fields = ("workflow", *TASK_RULE_FIELDS)

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in TASK_RULE_FIELDS if name in self.fields}

    def clean(self):
        cleaned_data = super().clean()
        workflow = cleaned_data.get("workflow") or self.instance.workflow
        if self.errors or workflow is None:
            return cleaned_data
        change = TaskRuleChange(pk=self.instance.pk, values=self.values())
        try:
            task_rule_check(workflow=workflow, change=change, by=self.user_acting)
        except TaskValidationError as error:
            for key, items in error.errors.items():
                field = key.split(".", 2)[-1]
                for message in items:
                    self.add_error(field if field in self.fields else None, message)
        except OrderValidationError as error:
            raise forms.ValidationError(error.messages) from error
        except (OrderError, TaskError) as error:
            raise forms.ValidationError(str(error)) from error
        return cleaned_data

    def _post_clean(self):
        # The service validates (constraints included, once) and saves; the instance
        # stays as read until it does.
        pass


@admin.register(TaskRule)
class TaskRuleAdmin(SimpleHistoryAdmin):
    """Rules are saved through `tasks.services`, which checks them with their workflow and
    records the change in the rule's history."""

    form = TaskRuleAdminForm
    list_display = (
        "title",
        "workflow",
        "state",
        "role",
        "user",
        "due_offset_hours",
        "closes_with_stage",
        "is_active",
    )
    list_filter = ("is_active", "workflow", "state", "role")
    search_fields = ("title",)
    autocomplete_fields = ("user",)

    def get_readonly_fields(self, request, obj=None):
        # A rule moved to another workflow would change that one's tasks unrecorded.
        return ("workflow",) if obj is not None else ()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user_acting": request.user})

    def has_add_permission(self, request):
        return super().has_add_permission(request) and _configures(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and _configures(request)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and _configures(request)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.workflow = form.cleaned_data["workflow"]
        saved = task_rule_save(rule=obj, values=form.values(), by=request.user)
        obj.__dict__.update(saved.__dict__)

    def delete_model(self, request, obj):
        task_rule_save(rule=obj, values={}, by=request.user, delete=True)

    def delete_queryset(self, request, queryset):
        for rule in queryset:
            self.delete_model(request, rule)


def _configures(request) -> bool:
    # The services take the workflow editors' permission: the admin offers what they allow.
    return request.user.has_perm("orders.manage_workflow")


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    """Read-only here: tasks change through the services, which notify the assignee."""

    list_display = ("title", "order", "assignee", "role", "due_at", "status")
    list_filter = ("status", "role")
    search_fields = ("title", "order__number")
    list_select_related = ("order", "assignee")
