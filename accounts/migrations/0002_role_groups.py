from django.db import migrations

from accounts.roles import grant_permissions, revoke_permissions

# Frozen here: later migrations add to it, they never edit this one.
ROLE_PERMISSIONS = {
    "client": ["accounts.access_client_portal"],
    "manager": [
        "accounts.access_manager_portal",
        "customers.view_customer",
        "customers.view_contact",
        "customers.view_ledgerentry",
        "customers.add_customer",
        "customers.change_customer",
        "customers.add_contact",
        "customers.change_contact",
        "customers.delete_contact",
    ],
    "warehouse": ["accounts.access_manager_portal"],
    "courier": ["accounts.access_manager_portal"],
    "director": [
        "accounts.access_manager_portal",
        "accounts.view_user",
        "customers.view_customer",
        "customers.view_contact",
        "customers.view_ledgerentry",
    ],
    "admin": [
        "accounts.access_admin_portal",
        "accounts.access_manager_portal",
        "accounts.view_user",
        "accounts.add_user",
        "accounts.change_user",
        "customers.view_customer",
        "customers.view_contact",
        "customers.view_ledgerentry",
        "customers.add_customer",
        "customers.change_customer",
        "customers.add_contact",
        "customers.change_contact",
        "customers.delete_contact",
        "customers.delete_customer",
        "customers.add_ledgerentry",
    ],
}


def forward(apps, schema_editor):
    grant_permissions(apps, ROLE_PERMISSIONS)


def backward(apps, schema_editor):
    revoke_permissions(apps, ROLE_PERMISSIONS)
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("customers", "0001_customers_contacts_ledger"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forward, backward)]
