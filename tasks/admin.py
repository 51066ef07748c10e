from django.contrib import admin

from core.admin import ReadOnlyAdmin
from tasks.models import Task, TaskRule


@admin.register(TaskRule)
class TaskRuleAdmin(admin.ModelAdmin):
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


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    """Read-only here: tasks change through the services, which notify the assignee."""

    list_display = ("title", "order", "assignee", "role", "due_at", "status")
    list_filter = ("status", "role")
    search_fields = ("title", "order__number")
    list_select_related = ("order", "assignee")
