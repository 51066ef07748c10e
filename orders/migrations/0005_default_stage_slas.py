from django.db import migrations

# Hours an order may stay at a stage before its manager is reminded (twice that: the director).
DEFAULT_SLA_HOURS = {
    "product": {"request": 4, "quote": 72, "contract": 120, "payment": 120, "production": 168,
                "delivery": 120},
    "service": {"request": 4, "quote": 72, "contract": 120, "payment": 120, "production": 168,
                "delivery": 72},
    "support": {"new": 2, "in_progress": 24, "resolved": 72},
}


def forward(apps, schema_editor):
    workflow_model = apps.get_model("orders", "Workflow")
    for workflow in workflow_model.objects.filter(stage_sla_hours={}):
        workflow.stage_sla_hours = DEFAULT_SLA_HOURS.get(workflow.kind, {})
        workflow.save(update_fields=["stage_sla_hours"])


class Migration(migrations.Migration):
    dependencies = [("orders", "0004_recurring_orders_sla_reminders")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
