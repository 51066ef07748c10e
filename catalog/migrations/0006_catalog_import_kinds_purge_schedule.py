from django.db import migrations, models

from accounts.roles import permissions_operation

PURGE_NAME = "Catalog: purge CSV uploads never applied"
PURGE_TASK = "catalog.tasks.catalog_imports_purge_task"


def schedule_purge(apps, schema_editor):
    # In the database, so admins see and change it (django-celery-beat's scheduler).
    interval, _created = apps.get_model("django_celery_beat", "IntervalSchedule").objects.get_or_create(
        every=1, period="days"
    )
    apps.get_model("django_celery_beat", "PeriodicTask").objects.get_or_create(
        name=PURGE_NAME, defaults={"task": PURGE_TASK, "interval": interval}
    )


def unschedule_purge(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=PURGE_NAME).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0005_special_offer_code'),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("accounts", "0002_role_groups"),
    ]

    operations = [
        migrations.AlterField(
            model_name='catalogimport',
            name='kind',
            field=models.CharField(choices=[('items', 'Items'), ('categories', 'Categories'), ('form_fields', 'Order form fields'), ('offers', 'Special offers')], max_length=16, verbose_name='kind'),
        ),
        migrations.RunPython(schedule_purge, unschedule_purge),
        permissions_operation({"admin": ["catalog.view_catalogimport"]}),
    ]
