from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tasks"
    verbose_name = _("Tasks")

    def ready(self):
        from orders.signals import stage_entered, stage_left
        from orders.workflows import WORKFLOW_FOR_ANNOTATIONS
        from tasks import receivers
        from tasks.selectors import has_active_task_rules

        # Stage tasks are made and closed in the order's own transaction.
        stage_entered.connect(receivers.create_stage_tasks, dispatch_uid="tasks.stage_entered")
        stage_left.connect(receivers.close_stage_tasks, dispatch_uid="tasks.stage_left")
        WORKFLOW_FOR_ANNOTATIONS["has_active_task_rules"] = has_active_task_rules
