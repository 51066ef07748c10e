from django.db import migrations

from accounts.roles import grant_permissions, revoke_permissions

ROLE_PERMISSIONS = {
    "manager": ["tasks.view_all_tasks", "tasks.change_task"],
    "director": ["tasks.view_all_tasks"],
    "admin": [
        "tasks.view_all_tasks",
        "tasks.view_task",
        "tasks.change_task",
        "tasks.view_taskrule",
        "tasks.add_taskrule",
        "tasks.change_taskrule",
        "tasks.delete_taskrule",
    ],
}


def forward(apps, schema_editor):
    grant_permissions(apps, ROLE_PERMISSIONS)


def backward(apps, schema_editor):
    revoke_permissions(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0001_tasks_and_rules"),
        ("accounts", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(forward, backward)]
