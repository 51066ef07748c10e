from django.db import migrations

from accounts.roles import permissions_operation

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


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_api_clients_idempotency_webhooks"),
        ("accounts", "0002_role_groups"),
    ]

    operations = [permissions_operation(ROLE_PERMISSIONS)]
