from django.db import migrations

SWEEP_NAME = "1C exchange: re-queue stalled catalog imports, purge old uploads and jobs"
SWEEP_TASK = "integrations.onec.tasks.onec_exchange_sweep_task"


def schedule_sweep(apps, schema_editor):
    # In the database, so admins see and change it (django-celery-beat's scheduler).
    interval, _created = apps.get_model(
        "django_celery_beat", "IntervalSchedule"
    ).objects.get_or_create(every=5, period="minutes")
    apps.get_model("django_celery_beat", "PeriodicTask").objects.get_or_create(
        name=SWEEP_NAME, defaults={"task": SWEEP_TASK, "interval": interval}
    )


def unschedule_sweep(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SWEEP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("onec", "0004_profile_and_status_mapping_history"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule_sweep, unschedule_sweep)]
