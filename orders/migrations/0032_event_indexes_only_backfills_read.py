"""Three indexes of the events table, the largest one, that no read of the application uses
any more, dropped: every event written paid for them (about 436 MB at a million orders).

- `order_event_change_idx`, each order's state changes in time order, served the reports
  when they computed stage times from the events; they read the stage stays since 0029, and
  only that migration's backfill read it.
- `order_event_closed_idx`, the closings by date, served the revenue report until it read
  `Order.closed_at` (0031), whose backfill was its last reader.
- The order key's own index: `order_event_order_idx` (order, id) serves every read by order
  (the timeline, the cascade of a deleted order) as well.

Dropped concurrently on PostgreSQL, so the table stays writable; put back the same way.
"""

import django.db.models.deletion
from django.contrib.postgres.operations import RemoveIndexConcurrently
from django.db import migrations, models

from core.migration_operations import NotOnPostgreSQL, OnPostgreSQL

# The name Django gave the foreign key's index (the same on every database).
ORDER_KEY_INDEX = "orders_orderevent_order_id_b26297f3"


def _closed_index():
    return models.Index(
        condition=models.Q(("to_state", "closed")),
        fields=["created_at"],
        name="order_event_closed_idx",
    )


def _change_index():
    return models.Index(
        condition=models.Q(
            models.Q(("from_state", models.F("to_state")), _negated=True),
            models.Q(("to_state", ""), _negated=True),
        ),
        fields=["order", "created_at", "id"],
        include=("action", "from_state", "to_state"),
        name="order_event_change_idx",
    )


def _dropped_concurrently(index):
    removal = RemoveIndexConcurrently(model_name="orderevent", name=index.name)
    return [OnPostgreSQL(removal), NotOnPostgreSQL(migrations.RemoveIndex("orderevent", index.name))]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("orders", "0031_order_closed_at_stay_period_idx"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="orderevent", name="order_event_closed_idx"),
                migrations.RemoveIndex(model_name="orderevent", name="order_event_change_idx"),
                migrations.AlterField(
                    model_name="orderevent",
                    name="order",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="events",
                        to="orders.order",
                        verbose_name="order",
                    ),
                ),
            ],
            database_operations=[
                *_dropped_concurrently(_closed_index()),
                *_dropped_concurrently(_change_index()),
                OnPostgreSQL(
                    migrations.RunSQL(
                        f'DROP INDEX CONCURRENTLY IF EXISTS "{ORDER_KEY_INDEX}"',
                        f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{ORDER_KEY_INDEX}" '
                        'ON "orders_orderevent" ("order_id")',
                    )
                ),
                NotOnPostgreSQL(
                    migrations.RunSQL(
                        f'DROP INDEX IF EXISTS "{ORDER_KEY_INDEX}"',
                        f'CREATE INDEX IF NOT EXISTS "{ORDER_KEY_INDEX}" '
                        'ON "orders_orderevent" ("order_id")',
                    )
                ),
            ],
        ),
    ]
