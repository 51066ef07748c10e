from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0019_history_baseline"),
    ]

    operations = [
        migrations.RemoveField(model_name="workflowrevision", name="changed_by"),
        migrations.RemoveField(model_name="workflowrevision", name="workflow"),
        migrations.DeleteModel(name="BusinessCalendarRevision"),
        migrations.DeleteModel(name="WorkflowRevision"),
    ]
