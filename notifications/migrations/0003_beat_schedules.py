from django.db import migrations

# Stored in the database so admins see and change them (django-celery-beat admin).
SCHEDULES = [
    # name, task, every (seconds)
    ("Notifications: dispatch and resend", "notifications.tasks.notifications_sweep_task", 60),
    ("Reminders: SLA, quotes, service", "notifications.tasks.reminders_sweep_task", 300),
    ("Recurring orders: create due orders", "notifications.tasks.recurring_orders_task", 300),
    ("Change feed: assign positions", "notifications.tasks.feed_assign_task", 30),
]


def forward(apps, schema_editor):
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, seconds in SCHEDULES:
        interval, _created = interval_model.objects.get_or_create(every=seconds, period="seconds")
        task_model.objects.get_or_create(name=name, defaults={"task": task, "interval": interval})


def backward(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=[name for name, _task, _seconds in SCHEDULES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_deliveries_and_notifications"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forward, backward)]
