from django.db import migrations, models


def mark_unconfirmed_sign_ups(apps, schema_editor):
    # Sign-ups stuck before the link could be sent again: a client login that was never
    # active (never logged in) and that signing up linked to its customer's contact.
    apps.get_model("accounts", "User").objects.filter(
        is_active=False,
        last_login__isnull=True,
        groups__name="client",
        contact__is_primary=True,
    ).update(is_pending_confirmation=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_administrators_are_staff"),
        ("customers", "0001_customers_contacts_ledger"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="is_pending_confirmation",
            field=models.BooleanField(
                default=False,
                help_text="Signed up and has not opened the confirmation link yet.",
                verbose_name="awaits email confirmation",
            ),
        ),
        migrations.RunPython(mark_unconfirmed_sign_ups, migrations.RunPython.noop),
    ]
