from django.db import migrations

from accounts.roles import permissions_operation

ROLE_PERMISSIONS = {
    "admin": [
        "billing.view_companyprofile",
        "billing.add_companyprofile",
        "billing.change_companyprofile",
        "billing.view_document",
        "billing.view_onlinepayment",
        "billing.view_gatewaynotification",
        "orders.view_quotetemplate",
        "orders.add_quotetemplate",
        "orders.change_quotetemplate",
        "orders.delete_quotetemplate",
        "catalog.view_specialoffer",
        "catalog.add_specialoffer",
        "catalog.change_specialoffer",
        "catalog.delete_specialoffer",
    ],
}


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0002_signed_contract_scans"),
        ("orders", "0009_quote_builder"),
        ("catalog", "0002_special_offers"),
        ("accounts", "0002_role_groups"),
    ]

    operations = [permissions_operation(ROLE_PERMISSIONS)]
