"""Where the change history begins: one row per existing workflow and the business calendar with its values today,
so the first change made afterwards shows what it changed from. Rows are written in
batches; a workflow and the business calendar that already has history gets none."""

from django.db import migrations

from core.history_baseline import history_baseline_write


def forwards(apps, schema_editor):
    history_baseline_write(apps, "orders", "Workflow", "BusinessCalendar")


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0018_revisions_to_history"),
    ]

    operations = [
        # Backwards the table itself goes with the migration before.
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
