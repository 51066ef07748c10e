import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from notifications.models import Delivery, NotificationRule
from notifications.rules import notification_rule_save, preview_payload, rule_preview
from tests.factories import ContactFactory, UserFactory
from tests.orders.factories import OrderFactory, WorkflowFactory

pytestmark = pytest.mark.django_db

# A data migration seeds the director's rule for low ratings; these tests count the others.
SEEDED_TOPIC = "order.feedback_low"


def _rules_added():
    return NotificationRule.objects.exclude(topic=SEEDED_TOPIC)


@pytest.fixture(autouse=True)
def no_default_rules(db):
    """These tests count the rules they make: the ones a migration seeds are set aside."""
    NotificationRule.objects.all().delete()
    NotificationRule.history.all().delete()


def _data(**overrides):
    data = {
        "topic": "order.ship",
        "workflow": None,
        "audience": "client",
        "role": "",
        "channels": ["email"],
        "subject_template": "Order {{ number }} shipped to {{ customer.name }}",
        "body_template": "State: {{ state_label }}",
        "is_active": True,
    }
    return {**data, **overrides}


def _post_data(**overrides):
    data = {**_data(), "workflow": "", "is_active": "on", "action": "save", **overrides}
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def admin():
    return UserFactory(role=Role.ADMIN)


@pytest.fixture
def admin_client(admin):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(admin)
    return client


@pytest.fixture
def rule():
    return notification_rule_save(rule=None, data=_data(), by=None)


def _urls(rule_pk):
    return [
        reverse("portals_admin:notification_rule_list"),
        reverse("portals_admin:notification_rule_new"),
        reverse("portals_admin:notification_rule_edit", args=[rule_pk]),
        reverse("portals_admin:notification_rule_preview", args=[rule_pk]),
        reverse("portals_admin:notification_rule_deactivate", args=[rule_pk]),
        reverse("portals_admin:notification_rule_history", args=[rule_pk]),
    ]


def test_anonymous_users_are_sent_to_login(client, rule):
    for url in _urls(rule.pk):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("accounts:login")), url


@pytest.mark.parametrize("role", [Role.MANAGER, Role.DIRECTOR, Role.CLIENT])
def test_users_without_the_admin_portal_get_403_and_change_nothing(client, rule, role):
    user = ContactFactory().user if role == Role.CLIENT else UserFactory(role=role)
    client.force_login(user)

    for url in _urls(rule.pk):
        assert client.get(url).status_code == 403, url
    response = client.post(reverse("portals_admin:notification_rule_deactivate", args=[rule.pk]))

    assert response.status_code == 403
    rule.refresh_from_db()
    assert rule.is_active
    assert rule.history.count() == 1


def test_the_admin_home_links_to_the_rules(admin_client):
    response = admin_client.get(reverse("portals_admin:home"))

    assert reverse("portals_admin:notification_rule_list") in response.content.decode()


def test_the_list_groups_rules_by_event_and_shows_the_builtin_ones(admin_client, rule):
    response = admin_client.get(reverse("portals_admin:notification_rule_list"))

    rows = {row["topic"]: row for row in response.context["rows"]}
    assert rows["order.ship"]["rules"] == [rule]
    assert rows["order.ship"]["uses_builtin"] is False
    assert rows["order.close"]["rules"] == []
    assert rows["order.close"]["uses_builtin"] is True
    assert rows["order.close"]["builtin"] == [
        ("feedback_request", "How did we do with order {{ number }}?")
    ]
    assert "Order {{ number }} shipped to {{ customer.name }}" in response.content.decode()


def test_the_list_costs_the_same_queries_for_many_rules_as_for_few(admin_client):
    workflow = WorkflowFactory()
    url = reverse("portals_admin:notification_rule_list")
    notification_rule_save(rule=None, data=_data(), by=None)
    admin_client.get(url)  # session and permission caches warm up once
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(url).status_code == 200
    for topic in ("order.close", "order.cancel", "order.start_production", "order.created"):
        for audience in ("client", "manager"):
            notification_rule_save(
                rule=None,
                data=_data(topic=topic, audience=audience, workflow=workflow),
                by=UserFactory(),
            )

    with CaptureQueriesContext(connection) as many:
        assert admin_client.get(url).status_code == 200

    assert len(many) == len(few)
    assert len(many) <= 8


def test_a_new_rule_form_starts_from_the_builtin_text(admin_client):
    response = admin_client.get(
        reverse("portals_admin:notification_rule_new"),
        {"topic": "order.created", "message": "new_request"},
    )

    form = response.context["form"]
    assert form.initial["topic"] == "order.created"
    assert form.initial["subject_template"] == "New order {{ number }}"
    assert form.initial["audience"] == "manager"
    assert form.initial["channels"] == ["in_app"]


def test_creating_a_rule_saves_it_with_its_history(admin_client, admin):
    response = admin_client.post(reverse("portals_admin:notification_rule_new"), _post_data())

    rule = _rules_added().get()
    assert response.status_code == 302
    assert response.url == reverse("portals_admin:notification_rule_edit", args=[rule.pk])
    assert (rule.topic, rule.audience, rule.channels) == ("order.ship", "client", ["email"])
    record = rule.history.get()
    assert (record.history_type, record.history_user) == ("+", admin)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("body_template", "{% if %}", "Template error"),
        ("subject_template", "{{ number|nope }}", "Invalid filter"),
        ("subject_template", "", "This field is required."),
        ("channels", None, "This field is required."),
    ],
)
def test_an_invalid_rule_comes_back_with_the_field_marked_and_nothing_saved(
    admin_client, field, value, message
):
    response = admin_client.post(
        reverse("portals_admin:notification_rule_new"), _post_data(**{field: value})
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in errors[field][0]
    assert 'is-invalid"' in response.content.decode() or "is-invalid " in response.content.decode()
    assert not _rules_added().exists()
    assert not NotificationRule.history.exclude(topic=SEEDED_TOPIC).exists()


def test_editing_a_rule_is_recorded_and_viewable_in_its_history(admin_client, rule, admin):
    response = admin_client.post(
        reverse("portals_admin:notification_rule_edit", args=[rule.pk]),
        _post_data(subject_template="Shipped: {{ number }}"),
    )
    history = admin_client.get(reverse("portals_admin:notification_rule_history", args=[rule.pk]))

    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.subject_template == "Shipped: {{ number }}"
    entries = history.context["entries"]
    assert [e.kind for e in entries] == ["~", "+"]
    assert entries[0].user == admin
    assert [(c.label, c.after) for c in entries[0].changes] == [
        ("Subject", "Shipped: {{ number }}")
    ]
    assert ("Channels", "—", "Email") in [(c.label, c.before, c.after) for c in entries[1].changes]
    assert "Shipped: {{ number }}" in history.content.decode()


def test_the_preview_renders_the_latest_order_by_default_and_sends_nothing(admin_client, rule):
    OrderFactory()
    latest = OrderFactory(customer__name="Acme")

    response = admin_client.get(reverse("portals_admin:notification_rule_preview", args=[rule.pk]))

    preview = response.context["preview"]
    expected = rule_preview(
        subject_template=rule.subject_template,
        body_template=rule.body_template,
        audience="client",
        order=latest,
        payload=preview_payload(order=latest, topic=rule.topic),
        language="en",
    )
    assert preview["subject"] == f"Order {latest.number} shipped to Acme" == expected["subject"]
    assert preview["text"] == expected["text"]
    page = response.content.decode()
    assert "State: Request (pre-order)" in page
    # The HTML email sits escaped in the sandboxed frame's srcdoc, not as live markup.
    assert 'srcdoc="&lt;!doctype html&gt;' in page
    assert Delivery.objects.count() == 0
    assert mail.outbox == []


def test_the_preview_takes_an_order_by_number_and_names_an_unknown_one(admin_client, rule):
    chosen = OrderFactory(customer__name="Chosen")
    OrderFactory()
    url = reverse("portals_admin:notification_rule_preview", args=[rule.pk])

    found = admin_client.get(url, {"order": chosen.number, "language": "en"})
    missing = admin_client.get(url, {"order": "NO-SUCH", "language": "en"})

    assert found.context["preview"]["subject"] == f"Order {chosen.number} shipped to Chosen"
    assert missing.context["preview"] is None
    assert missing.context["form"].errors == {"order": ["No such order."]}


def test_the_forms_preview_button_renders_the_draft_without_saving(admin_client):
    order = OrderFactory()

    response = admin_client.post(
        reverse("portals_admin:notification_rule_new"),
        _post_data(action="preview", preview_order=order.number),
    )

    assert response.status_code == 200
    assert response.context["preview"]["subject"] == (
        f"Order {order.number} shipped to {order.customer.name}"
    )
    assert not _rules_added().exists()


def test_deactivating_asks_first_then_switches_the_rule_off(admin_client, rule):
    url = reverse("portals_admin:notification_rule_deactivate", args=[rule.pk])

    confirm = admin_client.get(url)
    rule.refresh_from_db()
    assert confirm.status_code == 200
    assert "Yes, deactivate" in confirm.content.decode()
    assert rule.is_active

    response = admin_client.post(url)

    rule.refresh_from_db()
    assert response.status_code == 302
    assert not rule.is_active
    assert [r.history_type for r in rule.history.all()] == ["~", "+"]
    history = admin_client.get(reverse("portals_admin:notification_rule_history", args=[rule.pk]))
    assert [(c.label, c.before, c.after) for c in history.context["entries"][0].changes] == [
        ("Active", "Yes", "No")
    ]


def test_posts_need_a_csrf_token(rule):
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(role=Role.ADMIN))

    response = client.post(reverse("portals_admin:notification_rule_deactivate", args=[rule.pk]))

    assert response.status_code == 403
    rule.refresh_from_db()
    assert rule.is_active
