"""The exchange rows of a profile by when they were last written: a query reads the ones
written since its profile's last pass.

Built concurrently on PostgreSQL (one row per order and profile: the table grows with the
orders and stays writable meanwhile); a plain index elsewhere.
"""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models

from core.migration_operations import NotOnPostgreSQL, OnPostgreSQL


def _index():
    return models.Index(fields=["profile", "updated_at"], name="onec_exchange_touched_idx")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("onec", "0006_order_export_marks"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="orderexchange", index=_index())],
            database_operations=[
                OnPostgreSQL(AddIndexConcurrently(model_name="orderexchange", index=_index())),
                NotOnPostgreSQL(migrations.AddIndex(model_name="orderexchange", index=_index())),
            ],
        ),
    ]
