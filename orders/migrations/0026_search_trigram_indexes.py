"""Trigram indexes for the manager's search box, on PostgreSQL only.

Django's `icontains` is `UPPER(col) LIKE UPPER('%…%')`, so each index is on `UPPER(col)`:
an order line's name, a ticket's subject, a tracking number. Built concurrently: with a
million orders the build takes a while and the tables stay writable.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations
from django.db.models.functions import Upper

from core.migration_operations import OnPostgreSQL


def _trigram(field, name):
    return GinIndex(OpClass(Upper(field), name="gin_trgm_ops"), name=name)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("orders", "0025_default_carriers"),
        # It creates the pg_trgm extension (and, rolled back, drops it after these indexes).
        ("customers", "0006_search_trigram_indexes"),
    ]

    operations = [
        OnPostgreSQL(AddIndexConcurrently("orderline", _trigram("name", "order_line_name_trgm"))),
        OnPostgreSQL(AddIndexConcurrently("order", _trigram("subject", "order_subject_trgm"))),
        OnPostgreSQL(
            AddIndexConcurrently("order", _trigram("tracking_number", "order_tracking_trgm"))
        ),
    ]
