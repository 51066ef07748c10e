from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0008_history_baseline"),
    ]

    operations = [
        migrations.DeleteModel(name="NotificationRuleRevision"),
    ]
