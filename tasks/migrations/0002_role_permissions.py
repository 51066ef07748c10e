from django.db import migrations

from accounts.roles import permissions_operation

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


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0001_tasks_and_rules"),
        ("accounts", "0002_role_groups"),
    ]

    operations = [permissions_operation(ROLE_PERMISSIONS)]
