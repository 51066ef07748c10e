"""Carry the workflow and calendar revisions over into their simple-history tables.

Each revision becomes one history row: its date, its user, the settings of its `after`
(a setting it lacks, being older than the setting, keeps today's value), "+" for the
revision that created a workflow and "~" otherwise. Where the first revision of an
object started from saved settings, a row a microsecond before it holds them, so its
difference stays visible. The stage tasks were text in the revision: a change of them is
kept as the row's reason. Backwards, the rows become revisions again.
"""

from datetime import time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import migrations
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

WORKFLOW_FIELDS = (
    "name",
    "kind",
    "customer_kind",
    "category",
    "uses_quote",
    "uses_contract",
    "uses_delivery",
    "uses_service",
    "payment_terms",
    "prepayment_percent",
    "allow_balance_payment",
    "allow_bonus_payment",
    "stage_sla_hours",
    "sla_business_hours",
    "is_active",
)
CALENDAR_FIELDS = ("day_start", "day_end", "workdays", "holidays", "extra_workdays")
BEFORE_FIRST = gettext_noop("Settings before the first recorded change.")
STAGE_TASKS = gettext_noop("Stage tasks: %(before)s → %(after)s")


def _attname(name):
    return "category_id" if name == "category" else name


def _workflow_values(snapshot, workflow):
    values = {}
    for name in WORKFLOW_FIELDS:
        if name not in snapshot:
            values[_attname(name)] = getattr(workflow, _attname(name))
        elif name == "prepayment_percent":
            values[name] = Decimal(str(snapshot[name]))
        else:
            values[_attname(name)] = snapshot[name]
    return values


def _tasks_text(rules):
    return "; ".join(rules or ()) or "—"


def _calendar_values(snapshot, calendar):
    values = {}
    for name in CALENDAR_FIELDS:
        value = snapshot.get(name, getattr(calendar, name))
        if name in ("day_start", "day_end") and isinstance(value, str):
            value = time.fromisoformat(value)
        elif name == "workdays" and isinstance(value, str):
            value = [int(part) for part in value.split(",") if part.strip()]
        elif isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        values[name] = value
    return values


def forwards(apps, schema_editor):
    with translation.override(settings.LANGUAGE_CODE):
        _workflows_forwards(apps)
        _calendar_forwards(apps)


def _workflows_forwards(apps):
    revision_model = apps.get_model("orders", "WorkflowRevision")
    history_model = apps.get_model("orders", "HistoricalWorkflow")
    rows, seen = [], set()
    for revision in revision_model.objects.select_related("workflow").order_by(
        "workflow_id", "changed_at", "id"
    ):
        workflow, before, after = revision.workflow, revision.before or {}, revision.after or {}
        if workflow.pk not in seen and before:
            rows.append(
                history_model(
                    id=workflow.pk,
                    **_workflow_values(before, workflow),
                    history_date=revision.changed_at - timedelta(microseconds=1),
                    history_type="~",
                    history_user=None,
                    history_change_reason="\n".join(
                        [gettext(BEFORE_FIRST)]
                        + ([_tasks_text(before["task_rules"])] if before.get("task_rules") else [])
                    ),
                )
            )
        seen.add(workflow.pk)
        reason = None
        if before.get("task_rules", []) != after.get("task_rules", []):
            reason = gettext(STAGE_TASKS) % {
                "before": _tasks_text(before.get("task_rules")),
                "after": _tasks_text(after.get("task_rules")),
            }
        rows.append(
            history_model(
                id=workflow.pk,
                **_workflow_values(after, workflow),
                history_date=revision.changed_at,
                history_type="~" if before else "+",
                history_user_id=revision.changed_by_id,
                history_change_reason=reason,
            )
        )
    history_model.objects.bulk_create(rows, batch_size=500)


def _calendar_forwards(apps):
    revision_model = apps.get_model("orders", "BusinessCalendarRevision")
    history_model = apps.get_model("orders", "HistoricalBusinessCalendar")
    calendar = apps.get_model("orders", "BusinessCalendar").objects.filter(pk=1).first()
    revisions = list(revision_model.objects.order_by("changed_at", "id"))
    if calendar is None or not revisions:
        return
    # The calendar was made with these settings on first use: its creation.
    rows = [
        history_model(
            id=calendar.pk,
            **_calendar_values(revisions[0].before or {}, calendar),
            history_date=revisions[0].changed_at - timedelta(microseconds=1),
            history_type="+",
            history_user=None,
        )
    ]
    rows += [
        history_model(
            id=calendar.pk,
            **_calendar_values(revision.after or {}, calendar),
            history_date=revision.changed_at,
            history_type="~",
            history_user_id=revision.changed_by_id,
        )
        for revision in revisions
    ]
    history_model.objects.bulk_create(rows, batch_size=500)


def backwards(apps, schema_editor):
    """Each history row back into a revision: the row before it is its `before`."""
    for history_name, revision_name, fields, key in (
        ("HistoricalWorkflow", "WorkflowRevision", WORKFLOW_FIELDS, "workflow_id"),
        ("HistoricalBusinessCalendar", "BusinessCalendarRevision", CALENDAR_FIELDS, None),
    ):
        history_model = apps.get_model("orders", history_name)
        revision_model = apps.get_model("orders", revision_name)
        last, revisions, dates = {}, [], []
        for row in history_model.objects.order_by("id", "history_date", "history_id"):
            snapshot = {name: _plain(getattr(row, _attname(name))) for name in fields}
            before = last.get(row.id, {})
            last[row.id] = snapshot
            if row.history_type == "+" and key is None:
                continue
            extra = {key: row.id} if key else {}
            revisions.append(
                revision_model(
                    **extra,
                    changed_by_id=row.history_user_id,
                    before=before,
                    after=snapshot,
                )
            )
            dates.append(row.history_date)
        created = revision_model.objects.bulk_create(revisions, batch_size=500)
        # `changed_at` is auto_now_add: set it after the insert.
        for revision, changed_at in zip(created, dates, strict=True):
            revision_model.objects.filter(pk=revision.pk).update(changed_at=changed_at)


def _plain(value):
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, list):
        return ", ".join(str(part) for part in value)
    return value


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0017_workflow_calendar_history"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
