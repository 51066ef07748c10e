"""The stage stays the reports read, backfilled from the events so far.

The table is filled before its indexes are built (one INSERT ... SELECT on PostgreSQL,
orders/stage_stays.py), which is faster than keeping them up to date row by row.
"""

import django.db.models.deletion
from django.db import migrations, models

from orders.stage_stays import stays_backfill


def _backfill(apps, schema_editor):
    stays_backfill(
        event_model=apps.get_model("orders", "OrderEvent"),
        stay_model=apps.get_model("orders", "StageStay"),
        connection=schema_editor.connection,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0028_order_desk_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="StageStay",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("product", "Product order"),
                            ("service", "Service order"),
                            ("support", "Support request"),
                        ],
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                ("order_created_at", models.DateTimeField(verbose_name="order created")),
                ("state", models.CharField(max_length=20, verbose_name="state")),
                ("entered_at", models.DateTimeField(verbose_name="entered")),
                ("left_at", models.DateTimeField(blank=True, null=True, verbose_name="left")),
                (
                    "microseconds",
                    models.BigIntegerField(blank=True, null=True, verbose_name="length, µs"),
                ),
                (
                    "first_visit",
                    models.BooleanField(
                        help_text="The order's first stay in this state.",
                        verbose_name="first visit",
                    ),
                ),
                (
                    "first_moved_on",
                    models.BooleanField(
                        default=False,
                        help_text=(
                            "The order's first stay in this state that it left for a further stage."
                        ),
                        verbose_name="first moved on",
                    ),
                ),
                (
                    "order",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="orders.order",
                        verbose_name="order",
                    ),
                ),
            ],
            options={
                "verbose_name": "stage stay",
                "verbose_name_plural": "stage stays",
            },
        ),
        migrations.RunPython(_backfill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="stagestay",
            index=models.Index(fields=["order", "state"], name="stage_stay_order_idx"),
        ),
        migrations.AddIndex(
            model_name="stagestay",
            index=models.Index(
                condition=models.Q(
                    models.Q(("kind", "support"), _negated=True),
                    models.Q(("first_visit", True), ("first_moved_on", True), _connector="OR"),
                ),
                fields=["order_created_at"],
                include=("state", "first_visit", "first_moved_on"),
                name="stage_stay_funnel_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="stagestay",
            index=models.Index(
                condition=models.Q(
                    models.Q(("kind", "support"), _negated=True), ("microseconds__isnull", False)
                ),
                fields=["order_created_at"],
                include=("state", "microseconds"),
                name="stage_stay_finished_idx",
            ),
        ),
        migrations.AddConstraint(
            model_name="stagestay",
            constraint=models.UniqueConstraint(
                condition=models.Q(("left_at__isnull", True)),
                fields=("order",),
                name="stage_stay_open_uniq",
            ),
        ),
    ]
