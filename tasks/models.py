"""Tasks for staff: made by hand or by a workflow's rule when an order enters a stage."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.roles import Role
from orders.lifecycle import State

# Roles that act on orders; a task waiting for someone is picked up by one of them.
TASK_ROLES = (Role.MANAGER, Role.WAREHOUSE, Role.COURIER, Role.ADMIN)
TASK_ROLE_CHOICES = [(role.value, role.label) for role in TASK_ROLES]


class TaskRule(models.Model):
    """A task a workflow creates for each order entering `state`: for a role or for one user."""

    workflow = models.ForeignKey(
        "orders.Workflow",
        verbose_name=_("workflow"),
        on_delete=models.CASCADE,
        related_name="task_rules",
    )
    state = models.CharField(_("on entering"), max_length=20, choices=State.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    role = models.CharField(
        _("role"),
        max_length=16,
        choices=TASK_ROLE_CHOICES,
        blank=True,
        help_text=_(
            "For the manager role the order's manager gets the task; otherwise anyone "
            "of the role may pick it up."
        ),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Or one person, instead of a role."),
    )
    due_offset_hours = models.PositiveIntegerField(
        _("due in, hours"),
        validators=[MinValueValidator(1)],
        help_text=_("Counted from the moment the order enters the stage."),
    )
    closes_with_stage = models.BooleanField(
        _("closes with the stage"),
        default=True,
        help_text=_(
            "An open task of this rule is closed when the order moves to another stage, "
            "so nobody chases work the order no longer needs."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("task rule")
        verbose_name_plural = _("task rules")
        ordering = ["workflow", "state", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(role="") & Q(user__isnull=False))
                | (~Q(role="") & Q(user__isnull=True)),
                name="task_rule_role_or_user",
                violation_error_message=_("Choose either a role or a user."),
            ),
            models.CheckConstraint(
                condition=Q(due_offset_hours__gte=1), name="task_rule_due_offset_positive"
            ),
        ]
        indexes = [models.Index(fields=["workflow", "state"], name="task_rule_stage_idx")]

    def __str__(self):
        return self.title


class Task(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        # Closed by the system: the order left the stage the task was made for.
        STAGE_LEFT = "stage_left", _("Closed: the order left the stage")

    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("order"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tasks",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
    )
    role = models.CharField(
        _("role"),
        max_length=16,
        choices=TASK_ROLE_CHOICES,
        blank=True,
        help_text=_("Who should pick the task up while nobody is assigned."),
    )
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the system made it from a rule."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    rule = models.ForeignKey(
        TaskRule,
        verbose_name=_("rule"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
    )
    event = models.ForeignKey(
        "orders.OrderEvent",
        verbose_name=_("stage entry"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_at", "id"]
        permissions = [("view_all_tasks", _("Can see every task"))]
        constraints = [
            # One task per rule for each time an order enters the stage, however often
            # the creating code runs.
            models.UniqueConstraint(
                fields=["rule", "order", "event"],
                condition=Q(rule__isnull=False),
                name="task_once_per_rule_and_stage_entry",
            ),
            models.CheckConstraint(
                condition=(Q(status="open") & Q(done_at__isnull=True))
                | (Q(status__in=["done", "stage_left"]) & Q(done_at__isnull=False)),
                name="task_closed_has_done_at",
            ),
        ]
        indexes = [
            # "My open tasks by due time" and "overdue" read only open rows.
            models.Index(
                fields=["assignee", "due_at"],
                condition=Q(status="open"),
                name="task_open_assignee_due_idx",
            ),
            models.Index(fields=["due_at"], condition=Q(status="open"), name="task_open_due_idx"),
            models.Index(
                fields=["role", "due_at"],
                condition=Q(status="open", assignee__isnull=True),
                name="task_open_unassigned_idx",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN
