import re
from pathlib import Path

import pytest
from django.core import mail
from django.utils import translation

from accounts.roles import Role
from notifications.builtin_messages import MESSAGES
from notifications.dispatch import delivery_attempt, outbox_message_dispatch
from notifications.models import (
    Delivery,
    Notification,
    NotificationRule,
    OutboxMessage,
)
from notifications.rule_rendering import render_rule_texts, rule_context
from notifications.rules import (
    NotificationRuleError,
    notification_rule_deactivate,
    notification_rule_save,
    preview_payload,
    rule_preview,
)
from notifications.topics import prefill_from_builtin, topic_labels
from orders.actions import OrderAction
from orders.models import Order
from orders.services import order_transition
from tests.factories import UserFactory
from tests.history import changes
from tests.orders.factories import WorkflowFactory

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]


def _rule_data(**overrides):
    data = {
        "topic": "order.created",
        "workflow": None,
        "audience": "client",
        "role": "",
        "channels": ["email", "in_app"],
        "subject_template": "{{ number }} for {{ customer.name }}: {{ state_label }}",
        "body_template": "Dear {{ contact.name }},\norder {{ order.number }} is {{ state_label }}.",
        "is_active": True,
    }
    return {**data, **overrides}


def _dispatch_all():
    created = []
    for message in OutboxMessage.objects.filter(status="pending").order_by("id"):
        created += outbox_message_dispatch(message.pk)
    return Delivery.objects.filter(pk__in=created)


def test_a_rules_templates_render_with_the_orders_data(placed_order, people):
    order = placed_order()

    with translation.override("en"):
        texts = render_rule_texts(
            subject_template=_rule_data()["subject_template"],
            body_template=_rule_data()["body_template"],
            context=rule_context(order, payload={}, url="http://crm.test/o/"),
        )

    customer = people["contact"].customer.name
    assert texts.subject == f"{order.number} for {customer}: Request (pre-order)"
    assert texts.text == (
        f"Dear {people['contact'].name},\norder {order.number} is Request (pre-order)."
    )


def test_the_preview_is_exactly_what_dispatch_sends(placed_order, people):
    people["client"].language = "en"
    people["client"].save()
    admin = UserFactory(role=Role.ADMIN)
    notification_rule_save(rule=None, data=_rule_data(), by=admin)
    order = placed_order()

    deliveries = _dispatch_all()
    for delivery in deliveries:
        assert delivery_attempt(delivery.pk) == "delivered"

    # The rule replaces both built-in messages of the topic: the manager hears nothing.
    assert {(d.channel, d.recipient) for d in deliveries} == {
        ("email", people["client"]),
        ("in_app", people["client"]),
    }
    preview = rule_preview(
        subject_template=_rule_data()["subject_template"],
        body_template=_rule_data()["body_template"],
        audience="client",
        order=order,
        payload=preview_payload(order=order, topic="order.created"),
        language="en",
    )
    sent = mail.outbox[0]
    assert sent.subject == preview["subject"]
    assert sent.body == preview["text"]
    assert sent.alternatives[0][0] == preview["html"]
    assert f"order {order.number} is Request (pre-order)." in sent.body
    notification = Notification.objects.get(recipient=people["client"])
    assert (notification.title, notification.body) == (preview["subject"], preview["headline"])


def test_a_rule_for_the_orders_workflow_replaces_the_builtin_messages(placed_order, people):
    order = placed_order()
    OutboxMessage.objects.all().delete()
    notification_rule_save(
        rule=None,
        data=_rule_data(
            topic="order.start_quote",
            workflow=order.workflow,
            audience="manager",
            channels=["in_app"],
        ),
        by=None,
    )
    order_transition(order=order, transition="start_quote", by=people["manager"])

    deliveries = _dispatch_all()

    assert [(d.channel, d.recipient, d.message_key[:5]) for d in deliveries] == [
        ("in_app", people["manager"], "rule:")
    ]


@pytest.mark.parametrize("case", ["inactive", "other_workflow"])
def test_an_inactive_rule_or_one_for_another_workflow_leaves_the_builtin_messages(
    placed_order, people, case
):
    rule = notification_rule_save(
        rule=None,
        data=_rule_data(workflow=WorkflowFactory() if case == "other_workflow" else None),
        by=None,
    )
    if case == "inactive":
        notification_rule_deactivate(rule=rule, by=None)
    placed_order()

    deliveries = _dispatch_all()

    assert sorted((d.message_key, d.channel) for d in deliveries) == [
        ("new_request", "in_app"),
        ("order_received", "email"),
        ("order_received", "in_app"),
    ]


def test_a_role_audience_reaches_every_active_member_of_the_role(placed_order):
    directors = [UserFactory(role=Role.DIRECTOR), UserFactory(role=Role.DIRECTOR)]
    UserFactory(role=Role.DIRECTOR, is_active=False)
    notification_rule_save(
        rule=None,
        data=_rule_data(audience="role", role=Role.DIRECTOR, channels=["in_app"]),
        by=None,
    )
    placed_order()

    deliveries = _dispatch_all()

    assert {d.recipient for d in deliveries} == set(directors)
    assert {d.channel for d in deliveries} == {"in_app"}


@pytest.mark.parametrize(
    ("field", "source"),
    [
        ("subject_template", "Order {{ number|no_such_filter }}"),
        ("body_template", "{% if %}x{% endif %}"),
        ("body_template", "{% load i18n %}{% translate 'x' %}"),
        ("body_template", "{% debug %}"),
        ("body_template", '{% include "base.html" %}'),
        ("subject_template", "   "),
    ],
)
def test_a_bad_template_is_refused_with_its_field_named_and_nothing_saved(field, source):
    # The default rules a migration seeds are there before.
    rules, history = NotificationRule.objects.count(), NotificationRule.history.count()

    with translation.override("en"), pytest.raises(NotificationRuleError) as caught:
        notification_rule_save(rule=None, data=_rule_data(**{field: source}), by=None)

    assert list(caught.value.errors) == [field]
    assert NotificationRule.objects.count() == rules
    assert NotificationRule.history.count() == history


def test_a_bad_template_leaves_an_existing_rule_unchanged():
    rule = notification_rule_save(rule=None, data=_rule_data(), by=None)

    with pytest.raises(NotificationRuleError):
        notification_rule_save(rule=rule, data=_rule_data(subject_template="{% for %}"), by=None)

    rule.refresh_from_db()
    assert rule.subject_template == _rule_data()["subject_template"]
    assert rule.history.count() == 1


def test_a_role_rule_needs_a_staff_role():
    rules = NotificationRule.objects.count()

    with pytest.raises(NotificationRuleError) as caught:
        notification_rule_save(rule=None, data=_rule_data(audience="role", role="client"), by=None)

    assert list(caught.value.errors) == ["role"]
    assert NotificationRule.objects.count() == rules


def test_every_change_writes_one_history_row_naming_who():
    admin = UserFactory(role=Role.ADMIN)
    rule = notification_rule_save(rule=None, data=_rule_data(), by=admin)
    notification_rule_save(
        rule=rule, data=_rule_data(subject_template="New {{ number }}"), by=admin
    )
    notification_rule_save(
        rule=rule, data=_rule_data(subject_template="New {{ number }}"), by=admin
    )
    notification_rule_deactivate(rule=rule, by=admin)
    notification_rule_deactivate(rule=rule, by=admin)

    records = list(rule.history.order_by("history_id"))
    assert [r.history_type for r in records] == ["+", "~", "~"]
    assert {r.history_user for r in records} == {admin}
    assert records[0].subject_template == _rule_data()["subject_template"]
    assert changes(records[1]) == [
        ("subject_template", _rule_data()["subject_template"], "New {{ number }}")
    ]
    assert changes(records[2]) == [("is_active", True, False)]
    rule.refresh_from_db()
    assert (rule.is_active, rule.updated_by) == (False, admin)


def test_templates_see_plain_values_not_models(placed_order, people):
    order = placed_order()
    people["manager"].set_password("secret-pass")
    people["manager"].save()
    template = "[{{ manager.password }}][{{ order.customer.manager }}][{{ manager.name }}]"

    texts = render_rule_texts(
        subject_template="x",
        body_template=template,
        context=rule_context(order, payload={}, url=""),
    )

    manager_name = people["manager"].get_full_name() or people["manager"].username
    assert texts.text == f"[][][{manager_name}]"


def test_the_html_part_escapes_order_data_and_the_text_part_keeps_it(placed_order, people):
    customer = people["contact"].customer
    customer.name = "<b>Acme & Co</b>"
    customer.save()
    order = placed_order()

    texts = render_rule_texts(
        subject_template="{{ customer.name }}\nsecond line",
        body_template="Hello {{ customer.name }}",
        context=rule_context(order, payload={}, url=""),
    )

    assert texts.subject == "<b>Acme & Co</b> second line"
    assert texts.text == "Hello <b>Acme & Co</b>"
    assert texts.html == "<p>Hello &lt;b&gt;Acme &amp; Co&lt;/b&gt;</p>"


def test_every_order_action_the_services_record_is_a_rule_topic():
    # The order services record only `OrderAction`s (tests/orders/test_order_actions.py holds
    # them to it); the conversations write their topics without an event, by name.
    conversations = (BASE_DIR / "conversations" / "services.py").read_text()
    recorded = {action.topic for action in OrderAction} | set(
        re.findall(r'topic="(order\.\w+)"', conversations)
    )
    transitions = {
        f"order.{t.name}" for t in Order._meta.get_field("state").get_all_transitions(Order)
    }

    assert {"order.message_posted", "order.feedback_left"} <= recorded
    assert recorded | transitions <= set(topic_labels())


def test_a_new_rule_starts_from_the_builtin_message():
    with translation.override("en"):
        initial = prefill_from_builtin(MESSAGES["sla_escalation"])

    assert initial == {
        "channels": ["email", "in_app"],
        "subject_template": "Escalation: order {{ number }} is still overdue",
        "body_template": (
            "The order is still stuck at its stage; the manager has been reminded before."
        ),
        "audience": "role",
        "role": "director",
    }


def test_a_rule_about_the_service_starts_with_its_date_and_place(placed_order):
    order = placed_order()
    Order.objects.filter(pk=order.pk).update(
        service_date="2027-03-01", service_place="Офис клиента"
    )
    order.refresh_from_db()
    with translation.override("ru"):
        initial = prefill_from_builtin(MESSAGES["service_due"])
        texts = render_rule_texts(
            subject_template=initial["subject_template"],
            body_template=initial["body_template"],
            context=rule_context(order, payload={}, url=""),
        )

    assert texts.text.splitlines()[1:] == [
        "Дата сервиса: 01.03.2027.",
        "Место сервиса: Офис клиента.",
    ]
