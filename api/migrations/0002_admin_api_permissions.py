from django.db import migrations

from accounts.roles import grant_permissions, revoke_permissions

ROLE_PERMISSIONS = {
    "admin": [
        "api.view_apiclient",
        "api.add_apiclient",
        "api.change_apiclient",
        "api.view_webhooksubscription",
        "api.add_webhooksubscription",
        "api.change_webhooksubscription",
        "api.delete_webhooksubscription",
    ],
}


def forward(apps, schema_editor):
    grant_permissions(apps, ROLE_PERMISSIONS)


def backward(apps, schema_editor):
    revoke_permissions(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_api_clients_idempotency_webhooks"),
        ("accounts", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(forward, backward)]
