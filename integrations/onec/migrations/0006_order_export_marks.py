"""Each profile's mark of how far its last `query` looked (export_marks.py); none yet, so
every profile's next query is a full pass."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("onec", "0005_exchange_sweep_schedule"),
    ]

    operations = [
        migrations.CreateModel(
            name="OrderExportMark",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "profile",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="order_export_mark",
                        to="onec.integrationprofile",
                    ),
                ),
                ("passed_at", models.DateTimeField()),
                ("full_pass_at", models.DateTimeField()),
                ("exported_kinds", models.JSONField(default=list)),
                ("exported_states", models.JSONField(default=list)),
                ("after_created_at", models.DateTimeField(blank=True, null=True)),
                ("after_pk", models.PositiveBigIntegerField(blank=True, null=True)),
            ],
            options={
                "verbose_name": "1C order export mark",
                "verbose_name_plural": "1C order export marks",
            },
        ),
    ]
