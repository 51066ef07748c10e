from django.db import migrations

from accounts.roles import permissions_operation

ROLE_PERMISSIONS = {
    "admin": [
        "notifications.view_delivery",
        "notifications.change_delivery",
        "notifications.view_notification",
    ],
}


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_beat_schedules"),
        ("accounts", "0002_role_groups"),
    ]

    operations = [permissions_operation(ROLE_PERMISSIONS)]
