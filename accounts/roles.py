"""Roles are Django groups; what each may do is the permissions listed here.

Migrations create the groups and grant these permissions (`sync_role_permissions`);
a later app that adds permissions adds its own migration calling `grant_permissions`.
`ROLE_PERMISSIONS` is the sum of them all, and a test checks the database against it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CLIENT = "client", _("Client")
    MANAGER = "manager", _("Manager")
    WAREHOUSE = "warehouse", _("Warehouse")
    COURIER = "courier", _("Courier")
    DIRECTOR = "director", _("Director")
    ADMIN = "admin", _("Administrator")
    INTEGRATION = "integration", _("Integration")


STAFF_ROLES = (Role.MANAGER, Role.WAREHOUSE, Role.COURIER, Role.DIRECTOR, Role.ADMIN)
# Roles a person is given; the integration role is for the service users of API keys and
# 1C exchange profiles only.
PERSON_ROLES = (Role.CLIENT, *STAFF_ROLES)
# Roles an API key's service user may hold: the client role acts for a customer contact,
# which a service user never is.
SERVICE_ROLES = (*STAFF_ROLES, Role.INTEGRATION)

_CUSTOMER_VIEW = [
    "customers.view_customer",
    "customers.view_contact",
    "customers.view_ledgerentry",
]
_CUSTOMER_EDIT = [
    "customers.add_customer",
    "customers.change_customer",
    "customers.add_contact",
    "customers.change_contact",
    "customers.delete_contact",
]

_CATALOG_MODELS = ("category", "item", "orderformfield", "attribute", "itemattributevalue")
_CATALOG_VIEW = [f"catalog.view_{model}" for model in _CATALOG_MODELS]
_CATALOG_EDIT = [
    f"catalog.{action}_{model}"
    for model in _CATALOG_MODELS
    for action in ("add", "change", "delete")
]
_ORDERS_VIEW = ["orders.view_all_orders", "orders.view_order"]
# Company details and quote templates are the admin's to keep; offers belong to the catalog.
_ADMIN_BILLING_AND_OFFERS = [
    "billing.view_companyprofile",
    "billing.add_companyprofile",
    "billing.change_companyprofile",
    "billing.view_document",
    "billing.view_onlinepayment",
    "billing.view_gatewaynotification",
    *(
        f"{app}.{action}_{model}"
        for app, model in (("orders", "quotetemplate"), ("catalog", "specialoffer"))
        for action in ("view", "add", "change", "delete")
    ),
]

# An accounting system (1C) that owns the catalog and processes orders: everything about
# orders, customers, items, prices, stock and attributes, nothing about users, workflows,
# configuration or portals.
_INTEGRATION_CATALOG_MODELS = ("category", "item", "attribute", "itemattributevalue")
_INTEGRATION = [
    *_CUSTOMER_VIEW,
    *_CUSTOMER_EDIT,
    "orders.process_order",
    *_ORDERS_VIEW,
    *(
        f"catalog.{action}_{model}"
        for model in _INTEGRATION_CATALOG_MODELS
        for action in ("view", "add", "change")
    ),
    "catalog.delete_itemattributevalue",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.CLIENT: ["accounts.access_client_portal", "orders.act_as_client"],
    Role.MANAGER: [
        "accounts.access_manager_portal",
        *_CUSTOMER_VIEW,
        *_CUSTOMER_EDIT,
        "orders.process_order",
        *_ORDERS_VIEW,
        "orders.view_workflow",
        *_CATALOG_VIEW,
        "tasks.view_all_tasks",
        "tasks.change_task",
    ],
    Role.WAREHOUSE: [
        "accounts.access_manager_portal",
        "orders.handle_production",
        *_ORDERS_VIEW,
        *_CATALOG_VIEW,
    ],
    Role.COURIER: ["accounts.access_manager_portal", "orders.handle_delivery", *_ORDERS_VIEW],
    Role.DIRECTOR: [
        "accounts.access_manager_portal",
        "accounts.view_user",
        *_CUSTOMER_VIEW,
        *_ORDERS_VIEW,
        "orders.view_workflow",
        *_CATALOG_VIEW,
        "tasks.view_all_tasks",
    ],
    Role.ADMIN: [
        "accounts.access_admin_portal",
        "accounts.access_manager_portal",
        "accounts.view_user",
        "accounts.add_user",
        "accounts.change_user",
        *_CUSTOMER_VIEW,
        *_CUSTOMER_EDIT,
        "customers.delete_customer",
        "customers.add_ledgerentry",
        "orders.process_order",
        "orders.manage_workflow",
        *_ORDERS_VIEW,
        "orders.view_workflow",
        "orders.add_workflow",
        "orders.change_workflow",
        *_CATALOG_VIEW,
        *_CATALOG_EDIT,
        "notifications.view_outboxmessage",
        "notifications.view_delivery",
        "notifications.change_delivery",
        "notifications.view_notification",
        "api.view_apiclient",
        "api.add_apiclient",
        "api.change_apiclient",
        "api.view_webhooksubscription",
        "api.add_webhooksubscription",
        "api.change_webhooksubscription",
        "api.delete_webhooksubscription",
        *_ADMIN_BILLING_AND_OFFERS,
        "tasks.view_all_tasks",
        "tasks.view_task",
        "tasks.change_task",
        *(f"tasks.{action}_taskrule" for action in ("view", "add", "change", "delete")),
        "conversations.view_ordermessage",
        "conversations.view_feedback",
        "catalog.view_catalogimport",
        "onec.view_integrationprofile",
        "onec.add_integrationprofile",
        "onec.change_integrationprofile",
        "onec.view_exchangelogentry",
        "onec.view_orderexchange",
        "onec.view_catalogimportjob",
        "onec.change_orderexchange",
        *(f"onec.{action}_statusmapping" for action in ("view", "add", "change", "delete")),
    ],
    Role.INTEGRATION: _INTEGRATION,
}


def _ensure_permissions_exist(apps):
    # Permissions are normally created after all migrations ran (post_migrate);
    # a data migration that grants them must create them first.
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        # Migration states have no models module; create_permissions skips such apps.
        original = getattr(app_config, "models_module", None)
        app_config.models_module = original or True
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            app_config.models_module = original


def grant_permissions(apps, role_permissions: dict[str, list[str]]):
    """Create the groups if missing and add the permissions; used by migrations."""
    _ensure_permissions_exist(apps)
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role, dotted_names in role_permissions.items():
        group, _created = group_model.objects.get_or_create(name=str(role))
        for dotted in dotted_names:
            app_label, codename = dotted.split(".", 1)
            permission = permission_model.objects.get(
                content_type__app_label=app_label, codename=codename
            )
            group.permissions.add(permission)


def revoke_permissions(apps, role_permissions: dict[str, list[str]]):
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role, dotted_names in role_permissions.items():
        group = group_model.objects.filter(name=str(role)).first()
        if group is None:
            continue
        for dotted in dotted_names:
            app_label, codename = dotted.split(".", 1)
            group.permissions.remove(
                *permission_model.objects.filter(
                    content_type__app_label=app_label, codename=codename
                )
            )


def permissions_operation(role_permissions: dict[str, list[str]]):
    """A migration operation granting `role_permissions`, revoking them when reversed.

    Each migration passes its own frozen dict: later migrations add to the roles, they
    never edit an earlier one's list.
    """
    from django.db import migrations

    return migrations.RunPython(
        lambda apps, schema_editor: grant_permissions(apps, role_permissions),
        lambda apps, schema_editor: revoke_permissions(apps, role_permissions),
    )
