"""Where the change history begins: one row per existing task rule with its values today,
so the first change made afterwards shows what it changed from. Rows are written in
batches; a task rule that already has history gets none."""

from django.db import migrations

from core.history_baseline import history_baseline_write


def forwards(apps, schema_editor):
    history_baseline_write(apps, "tasks", "TaskRule")


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0004_task_rule_history"),
    ]

    operations = [
        # Backwards the table itself goes with the migration before.
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
