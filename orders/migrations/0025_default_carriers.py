"""The carriers most Russian shops ship with, each with its public tracking page."""

from django.db import migrations

CARRIERS = [
    ("СДЭК", "https://www.cdek.ru/ru/tracking?order_id={number}"),
    ("Boxberry", "https://boxberry.ru/tracking-page?id={number}"),
    ("Почта России", "https://www.pochta.ru/tracking?barcode={number}"),
    ("ПЭК", "https://pecom.ru/services-are/shipping-request/tracking/?code={number}"),
    ("Деловые линии", "https://www.dellin.ru/tracker/orders/{number}/"),
]


def add_carriers(apps, schema_editor):
    carrier_model = apps.get_model("orders", "Carrier")
    for position, (name, pattern) in enumerate(CARRIERS, start=1):
        carrier_model.objects.get_or_create(
            name=name, defaults={"tracking_url_pattern": pattern, "position": position * 10}
        )


def remove_carriers(apps, schema_editor):
    carrier_model = apps.get_model("orders", "Carrier")
    carrier_model.objects.filter(name__in=[name for name, _pattern in CARRIERS]).delete()


class Migration(migrations.Migration):
    dependencies = [("orders", "0024_carriers_ships_by_carrier")]

    operations = [migrations.RunPython(add_carriers, remove_carriers)]
