"""Where the change history begins: one row per existing notification rule with its values today,
so the first change made afterwards shows what it changed from. Rows are written in
batches; a notification rule that already has history gets none."""

from django.db import migrations

from core.history_baseline import history_baseline_write


def forwards(apps, schema_editor):
    history_baseline_write(apps, "notifications", "NotificationRule")


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0007_rule_revisions_to_history"),
    ]

    operations = [
        # Backwards the table itself goes with the migration before.
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
