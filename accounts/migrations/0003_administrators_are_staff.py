from django.db import migrations


def administrators_are_staff(apps, schema_editor):
    # Roles given before the administrator role carried the Django admin with it.
    apps.get_model("accounts", "User").objects.filter(groups__name="admin", is_staff=False).update(
        is_staff=True
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_role_groups")]

    operations = [migrations.RunPython(administrators_are_staff, migrations.RunPython.noop)]
