"""Carry the notification rule revisions over into the rules' simple-history table.

Each revision becomes one history row with its date, its user and the values of its
`after`: "+" for the one that created the rule, "~" for a change or a deactivation (the
active flag shows which). Where the first revision of a rule started from saved values,
a row a microsecond before it holds them. Backwards, the rows become revisions again.
"""

from datetime import timedelta

from django.db import migrations

FIELDS = (
    "topic",
    "workflow",
    "audience",
    "role",
    "channels",
    "subject_template",
    "body_template",
    "is_active",
)


def _attname(name):
    return "workflow_id" if name == "workflow" else name


def _values(snapshot, rule):
    return {_attname(name): snapshot.get(name, getattr(rule, _attname(name))) for name in FIELDS}


def forwards(apps, schema_editor):
    revision_model = apps.get_model("notifications", "NotificationRuleRevision")
    history_model = apps.get_model("notifications", "HistoricalNotificationRule")
    rows, seen = [], set()
    for revision in revision_model.objects.select_related("rule").order_by(
        "rule_id", "changed_at", "id"
    ):
        rule = revision.rule
        if rule.pk not in seen and revision.before:
            rows.append(
                history_model(
                    id=rule.pk,
                    **_values(revision.before, rule),
                    history_date=revision.changed_at - timedelta(microseconds=1),
                    history_type="~",
                    history_user=None,
                )
            )
        seen.add(rule.pk)
        rows.append(
            history_model(
                id=rule.pk,
                **_values(revision.after or {}, rule),
                history_date=revision.changed_at,
                history_type="+" if revision.action == "created" else "~",
                history_user_id=revision.changed_by_id,
            )
        )
    history_model.objects.bulk_create(rows, batch_size=500)


def backwards(apps, schema_editor):
    """Each history row back into a revision: the row before it is its `before`."""
    history_model = apps.get_model("notifications", "HistoricalNotificationRule")
    revision_model = apps.get_model("notifications", "NotificationRuleRevision")
    rule_ids = set(apps.get_model("notifications", "NotificationRule").objects.values_list("pk"))
    last, revisions = {}, []
    for row in history_model.objects.order_by("id", "history_date", "history_id"):
        snapshot = {name: getattr(row, _attname(name)) for name in FIELDS}
        before = last.get(row.id)
        last[row.id] = snapshot
        if (row.id,) not in rule_ids:
            continue
        if before is None:
            action = "created"
        elif before["is_active"] and not snapshot["is_active"]:
            action = "deactivated"
        else:
            action = "changed"
        revisions.append(
            revision_model(
                rule_id=row.id,
                action=action,
                changed_by_id=row.history_user_id,
                changed_at=row.history_date,
                before=before,
                after=snapshot,
            )
        )
    revision_model.objects.bulk_create(revisions, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0006_notification_rule_history"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
