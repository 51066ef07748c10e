"""Revenue reads the sales closed in a period from the orders (`Order.closed_at`, backfilled
from the closing events), the lost orders report the cancelled orders by their own index, and
the funnel and the stage times read the period's stays in one range scan (one covering index
instead of one per report).

The column is filled before its index is built, which is faster than keeping it up to date
row by row.
"""

from django.db import migrations, models

from orders.closings import closings_backfill


def _backfill(apps, schema_editor):
    closings_backfill(
        order_model=apps.get_model("orders", "Order"),
        event_model=apps.get_model("orders", "OrderEvent"),
        connection=schema_editor.connection,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0030_order_manager_desk_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="closed_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="sale closed"
            ),
        ),
        migrations.RunPython(_backfill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(
                condition=models.Q(("closed_at__isnull", False)),
                fields=["closed_at"],
                name="order_closed_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(
                condition=models.Q(("state", "cancelled")),
                fields=["created_at"],
                name="order_cancelled_idx",
            ),
        ),
        migrations.RemoveIndex(
            model_name="stagestay",
            name="stage_stay_funnel_idx",
        ),
        migrations.RemoveIndex(
            model_name="stagestay",
            name="stage_stay_finished_idx",
        ),
        migrations.AddIndex(
            model_name="stagestay",
            index=models.Index(
                condition=models.Q(("kind", "support"), _negated=True),
                fields=["order_created_at"],
                include=("state", "microseconds", "first_visit", "first_moved_on"),
                name="stage_stay_period_idx",
            ),
        ),
    ]
