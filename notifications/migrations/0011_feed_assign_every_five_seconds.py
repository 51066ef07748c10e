from django.db import migrations
from django.utils import timezone

NAME = "Change feed: assign positions"


def _every(seconds):
    def change(apps, schema_editor):
        interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
        task_model = apps.get_model("django_celery_beat", "PeriodicTask")
        interval, _created = interval_model.objects.get_or_create(every=seconds, period="seconds")
        # Only the row as the earlier migration made it: an admin's own interval is kept.
        changed = task_model.objects.filter(
            name=NAME, interval__every=30 if seconds == 5 else 5
        ).update(interval=interval)
        if changed:
            # A running beat re-reads its schedule when this stamp moves (no signal here).
            apps.get_model("django_celery_beat", "PeriodicTasks").objects.update_or_create(
                ident=1, defaults={"last_update": timezone.now()}
            )

    return change


class Migration(migrations.Migration):
    """The worker positions the change feed every few seconds, so a reader never meets a
    backlog it would have to position itself."""

    dependencies = [
        ("notifications", "0010_default_shipping_rules"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(_every(5), _every(30))]
