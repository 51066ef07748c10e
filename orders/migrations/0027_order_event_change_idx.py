"""The reports' index: each order's state changes in time order, with what the reports read.

Built concurrently on PostgreSQL (the events table is the largest one and stays writable
meanwhile); a plain index elsewhere. Partial: payments, notes and other facts recorded in
the state the order was in are not in it.
"""

import django.db.models.expressions
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models

from core.migration_operations import NotOnPostgreSQL, OnPostgreSQL


def _index():
    return models.Index(
        condition=models.Q(
            models.Q(("from_state", django.db.models.expressions.F("to_state")), _negated=True),
            models.Q(("to_state", ""), _negated=True),
        ),
        fields=["order", "created_at", "id"],
        include=("action", "from_state", "to_state"),
        name="order_event_change_idx",
    )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("orders", "0026_search_trigram_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="orderevent", index=_index())],
            database_operations=[
                OnPostgreSQL(AddIndexConcurrently(model_name="orderevent", index=_index())),
                NotOnPostgreSQL(migrations.AddIndex(model_name="orderevent", index=_index())),
            ],
        ),
    ]
