from django.db import migrations

from accounts.roles import permissions_operation

_INTEGRATION_CATALOG_MODELS = ("category", "item", "attribute", "itemattributevalue")

ROLE_PERMISSIONS = {
    # An accounting system that owns the catalog and processes orders, without the
    # administrator's users, workflows and configuration.
    "integration": [
        "customers.view_customer",
        "customers.view_contact",
        "customers.view_ledgerentry",
        "customers.add_customer",
        "customers.change_customer",
        "customers.add_contact",
        "customers.change_contact",
        "customers.delete_contact",
        "orders.process_order",
        "orders.view_all_orders",
        "orders.view_order",
        *(
            f"catalog.{action}_{model}"
            for model in _INTEGRATION_CATALOG_MODELS
            for action in ("view", "add", "change")
        ),
        "catalog.delete_itemattributevalue",
    ],
    "admin": [
        "onec.view_integrationprofile",
        "onec.add_integrationprofile",
        "onec.change_integrationprofile",
        "onec.view_exchangelogentry",
        "onec.view_orderexchange",
        "onec.change_orderexchange",
        *(f"onec.{action}_statusmapping" for action in ("view", "add", "change", "delete")),
    ],
}


class Migration(migrations.Migration):
    dependencies = [
        ("onec", "0001_exchange_profiles_log_orders"),
        ("accounts", "0007_user_is_service"),
        ("customers", "0006_search_trigram_indexes"),
        ("catalog", "0008_item_history_baseline"),
        ("orders", "0026_search_trigram_indexes"),
    ]

    operations = [permissions_operation(ROLE_PERMISSIONS)]
