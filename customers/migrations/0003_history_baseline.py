"""Where the change history begins: one row per existing customer and contact with its values today,
so the first change made afterwards shows what it changed from. Rows are written in
batches; a customer and contact that already has history gets none."""

from django.db import migrations

from core.history_baseline import history_baseline_write


def forwards(apps, schema_editor):
    history_baseline_write(apps, "customers", "Customer", "Contact")


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0002_customer_contact_history"),
    ]

    operations = [
        # Backwards the table itself goes with the migration before.
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
