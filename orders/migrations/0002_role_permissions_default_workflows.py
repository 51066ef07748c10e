from django.db import migrations

from accounts.roles import grant_permissions, revoke_permissions

CATALOG_VIEW = ["catalog.view_category", "catalog.view_item", "catalog.view_orderformfield"]
CATALOG_EDIT = [
    f"catalog.{action}_{model}"
    for model in ("category", "item", "orderformfield")
    for action in ("add", "change", "delete")
]
ORDERS_VIEW = ["orders.view_all_orders", "orders.view_order"]

ROLE_PERMISSIONS = {
    "client": ["orders.act_as_client"],
    "manager": ["orders.process_order", *ORDERS_VIEW, "orders.view_workflow", *CATALOG_VIEW],
    "warehouse": ["orders.handle_production", *ORDERS_VIEW, *CATALOG_VIEW],
    "courier": ["orders.handle_delivery", *ORDERS_VIEW],
    "director": [*ORDERS_VIEW, "orders.view_workflow", *CATALOG_VIEW],
    "admin": [
        "orders.process_order",
        "orders.manage_workflow",
        *ORDERS_VIEW,
        "orders.view_workflow",
        "orders.add_workflow",
        "orders.change_workflow",
        *CATALOG_VIEW,
        *CATALOG_EDIT,
        "notifications.view_outboxmessage",
    ],
}

DEFAULT_WORKFLOWS = [
    # name, kind, customer kind, quote, contract, service, payment terms
    ("Розничный заказ товаров", "product", "person", False, False, False, "prepay"),
    ("B2B-заказ товаров", "product", "", True, True, True, "prepay"),
    ("Заказ услуг", "service", "", True, True, True, "prepay"),
    ("Обращение в поддержку", "support", "", False, False, False, "prepay"),
]


def forward(apps, schema_editor):
    grant_permissions(apps, ROLE_PERMISSIONS)
    workflow_model = apps.get_model("orders", "Workflow")
    for name, kind, customer_kind, quote, contract, service, terms in DEFAULT_WORKFLOWS:
        workflow_model.objects.get_or_create(
            kind=kind,
            customer_kind=customer_kind,
            category=None,
            defaults={
                "name": name,
                "uses_quote": quote,
                "uses_contract": contract,
                "uses_service": service,
                "payment_terms": terms,
            },
        )


def backward(apps, schema_editor):
    revoke_permissions(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0001_orders_lifecycle_quotes_payments_workflows"),
        ("catalog", "0001_catalog_tree_items_order_forms"),
        ("notifications", "0001_outbox"),
        ("accounts", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(forward, backward)]
