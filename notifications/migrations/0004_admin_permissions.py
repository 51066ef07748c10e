from django.db import migrations

from accounts.roles import grant_permissions, revoke_permissions

ROLE_PERMISSIONS = {
    "admin": [
        "notifications.view_delivery",
        "notifications.change_delivery",
        "notifications.view_notification",
    ],
}


def forward(apps, schema_editor):
    grant_permissions(apps, ROLE_PERMISSIONS)


def backward(apps, schema_editor):
    revoke_permissions(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_beat_schedules"),
        ("accounts", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(forward, backward)]
