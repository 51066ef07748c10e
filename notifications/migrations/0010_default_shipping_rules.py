"""Default notification rules, editable in the admin portal like any other:

- each delivery sub-status tells the client (email and in-app) with the carrier, the
  tracking number and the tracking link;
- an order entering production tells the warehouse (with the expected date), and the
  client as before;
- a payment received tells the director (there is no accountant role: the director reads
  the money), and the client and the manager as before.

A topic with active rules sends only its rules, so the built-in messages a topic had are
seeded as rules too. Texts are Russian, the business's language; each row gets its first
history row. Backwards, the seeded rules nobody changed are removed.
"""

from django.db import migrations
from django.utils import timezone

SHIPMENT = (
    "{% if order.carrier %}Перевозчик: {{ order.carrier }}.\n{% endif %}"
    "{% if order.tracking_number %}Трек-номер: {{ order.tracking_number }}.\n{% endif %}"
    "{% if order.tracking_url %}Отследить отправление: {{ order.tracking_url }}\n{% endif %}"
    "{% if order.expected_delivery_date %}Ожидаемая дата доставки: "
    '{{ order.expected_delivery_date|date:"d.m.Y" }}.{% endif %}'
)
BOTH = ["email", "in_app"]

RULES = [
    (
        "order.delivery_status.handed_to_carrier",
        "client",
        "",
        BOTH,
        "Заказ {{ number }} передан перевозчику",
        "Ваш заказ передан перевозчику.\n" + SHIPMENT,
    ),
    (
        "order.delivery_status.in_transit",
        "client",
        "",
        BOTH,
        "Заказ {{ number }} в пути",
        "Ваш заказ в пути.\n" + SHIPMENT,
    ),
    (
        "order.delivery_status.with_courier",
        "client",
        "",
        BOTH,
        "Заказ {{ number }} у курьера",
        "Курьер везёт вам заказ.\n" + SHIPMENT,
    ),
    (
        "order.delivery_status.at_pickup_point",
        "client",
        "",
        BOTH,
        "Заказ {{ number }} ждёт вас в пункте выдачи",
        "Ваш заказ прибыл в пункт выдачи.\n" + SHIPMENT,
    ),
    (
        "order.delivery_status.handed_to_client",
        "client",
        "",
        BOTH,
        "Заказ {{ number }} доставлен",
        "Заказ вручён. Спасибо, что выбрали нас!\n" + SHIPMENT,
    ),
    (
        "order.delivery_status.handed_to_client",
        "manager",
        "",
        BOTH,
        "Заказ {{ number }} доставлен",
        "Заказ вручён клиенту.\n" + SHIPMENT,
    ),
    (
        "order.start_production",
        "client",
        "",
        BOTH,
        "Заказ {{ number }} в производстве",
        "Ваш заказ изготавливается и комплектуется.",
    ),
    (
        "order.start_production",
        "role",
        "warehouse",
        BOTH,
        "Заказ {{ number }} передан в производство",
        "Заказ {{ number }} ({{ customer.name }}) передан в производство / комплектацию.\n"
        "{% if order.expected_delivery_date %}Ожидаемая дата: "
        '{{ order.expected_delivery_date|date:"d.m.Y" }}.'
        "{% else %}Ожидаемая дата не указана.{% endif %}",
    ),
    (
        "order.payment_recorded",
        "client",
        "",
        BOTH,
        "Оплата по заказу {{ number }} получена",
        "Оплата по заказу получена. Спасибо!",
    ),
    (
        "order.payment_recorded",
        "manager",
        "",
        BOTH,
        "Оплата по заказу {{ number }} получена",
        "Оплата по заказу получена.",
    ),
    (
        "order.payment_recorded",
        "role",
        "director",
        BOTH,
        "Оплата по заказу {{ number }} получена",
        "По заказу {{ number }} ({{ customer.name }}) получена оплата"
        "{% if payload.amount %} {{ payload.amount }} {{ order.currency }}{% endif %}. "
        "Итого по заказу: {{ order.total }} {{ order.currency }}.",
    ),
]
HISTORY_FIELDS = {"history_id", "history_date", "history_change_reason", "history_type"}


def add_rules(apps, schema_editor):
    rule_model = apps.get_model("notifications", "NotificationRule")
    history_model = apps.get_model("notifications", "HistoricalNotificationRule")
    attnames = [
        field.attname
        for field in history_model._meta.concrete_fields
        if field.name not in HISTORY_FIELDS and field.name != "history_user"
    ]
    now = timezone.now()
    for topic, audience, role, channels, subject, body in RULES:
        rule, created = rule_model.objects.get_or_create(
            topic=topic,
            audience=audience,
            role=role,
            workflow=None,
            defaults={"channels": channels, "subject_template": subject, "body_template": body},
        )
        if created:
            history_model.objects.create(
                **{attname: getattr(rule, attname) for attname in attnames},
                history_date=now,
                history_type="+",
            )


def remove_rules(apps, schema_editor):
    rule_model = apps.get_model("notifications", "NotificationRule")
    for topic, audience, role, _channels, subject, body in RULES:
        rule_model.objects.filter(
            topic=topic,
            audience=audience,
            role=role,
            workflow=None,
            subject_template=subject,
            body_template=body,
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0009_remove_rule_revisions")]

    operations = [migrations.RunPython(add_rules, remove_rules)]
