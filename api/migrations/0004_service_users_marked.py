"""The users of API keys made before `User.is_service` existed are service users too."""

from django.db import migrations


def mark(apps, schema_editor):
    ApiClient = apps.get_model("api", "ApiClient")
    User = apps.get_model("accounts", "User")
    User.objects.filter(pk__in=ApiClient.objects.values("user_id")).update(is_service=True)


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0003_idempotency_purge_schedule"),
        ("accounts", "0007_user_is_service"),
    ]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
