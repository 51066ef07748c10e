"""The default rule of the low-rating topic: the director hears of a 1 or 2 by email and in the
account. An ordinary notification rule, so administrators change or switch it off like the
others; its history begins here."""

from django.db import migrations
from django.utils import timezone

TOPIC = "order.feedback_low"
SUBJECT = "Низкая оценка заказа {{ number }}: {{ payload.rating }} из 5"
BODY = (
    "Клиент {{ customer.name }} оценил заказ {{ number }} на {{ payload.rating }} из 5."
    "{% if payload.comment %}\nКомментарий: «{{ payload.comment }}»{% endif %}\n"
    "Менеджеру {{ manager.name|default:'заказа' }} поставлена задача перезвонить клиенту."
)
FIELDS = {
    "topic": TOPIC,
    "workflow": None,
    "audience": "role",
    "role": "director",
    "channels": ["email", "in_app"],
    "subject_template": SUBJECT,
    "body_template": BODY,
    "is_active": True,
}


def forward(apps, schema_editor):
    rule_model = apps.get_model("notifications", "NotificationRule")
    if rule_model.objects.filter(topic=TOPIC).exists():
        return
    rule = rule_model.objects.create(**FIELDS)
    history_model = apps.get_model("notifications", "HistoricalNotificationRule")
    history_model.objects.create(
        id=rule.pk,
        **{name: value for name, value in FIELDS.items() if name != "workflow"},
        workflow_id=None,
        history_date=timezone.now(),
        history_type="+",
    )


def backward(apps, schema_editor):
    rule_model = apps.get_model("notifications", "NotificationRule")
    rule_model.objects.filter(topic=TOPIC, subject_template=SUBJECT, body_template=BODY).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0004_feedback_follow_up_task"),
        ("notifications", "0009_remove_rule_revisions"),
    ]

    operations = [migrations.RunPython(forward, backward)]
