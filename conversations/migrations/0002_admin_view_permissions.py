from django.db import migrations

from accounts.roles import permissions_operation

ROLE_PERMISSIONS = {
    "admin": ["conversations.view_ordermessage", "conversations.view_feedback"],
}


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0001_order_messages_and_feedback"),
        ("accounts", "0002_role_groups"),
    ]

    operations = [permissions_operation(ROLE_PERMISSIONS)]
