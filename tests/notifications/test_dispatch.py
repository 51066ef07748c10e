from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from notifications.dispatch import delivery_attempt, delivery_retry, outbox_message_dispatch
from notifications.models import Delivery, Notification, OutboxMessage
from orders.services import delivery_update, order_transition

pytestmark = pytest.mark.django_db


def _dispatch_all():
    created = []
    for message in OutboxMessage.objects.filter(status="pending").order_by("id"):
        created += outbox_message_dispatch(message.pk)
    return created


def test_new_order_tells_the_client_by_email_and_in_app_and_the_manager_in_app(
    placed_order, people
):
    order = placed_order()

    created = _dispatch_all()

    deliveries = {
        (d.message_key, d.channel, d.recipient.username)
        for d in Delivery.objects.filter(pk__in=created)
    }
    assert deliveries == {
        ("order_received", "email", people["client"].username),
        ("order_received", "in_app", people["client"].username),
        ("new_request", "in_app", people["manager"].username),
    }
    assert OutboxMessage.objects.get(aggregate_id=order.pk).status == "delivered"


def test_dispatching_twice_creates_nothing_twice(placed_order):
    placed_order()
    message = OutboxMessage.objects.get()

    first = outbox_message_dispatch(message.pk)
    second = outbox_message_dispatch(message.pk)

    assert len(first) == 3
    assert second == []
    assert Delivery.objects.count() == 3


def test_email_is_sent_once_in_the_recipients_language_with_order_details(placed_order, people):
    order = placed_order()
    _dispatch_all()
    email_delivery = Delivery.objects.get(channel="email", address="buyer@example.com")

    assert delivery_attempt(email_delivery.pk) == "delivered"
    assert delivery_attempt(email_delivery.pk) == "skipped"

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["buyer@example.com"]
    assert message.subject == f"Заказ {order.number} получен"
    assert "Стол обеденный" in message.body
    assert "manager@example.com" in message.body
    assert f"/client/orders/{order.pk}/" in message.body
    html = message.alternatives[0][0]
    assert "<table" in html
    assert order.number in html


def test_english_recipient_gets_english(placed_order, people):
    people["client"].language = "en"
    people["client"].save()
    order = placed_order()
    _dispatch_all()

    delivery_attempt(Delivery.objects.get(channel="email").pk)

    assert mail.outbox[0].subject == f"Order {order.number} received"


def test_in_app_notification_appears_once(placed_order, people):
    placed_order()
    _dispatch_all()

    for delivery in Delivery.objects.filter(channel="in_app"):
        delivery_attempt(delivery.pk)
        delivery_attempt(delivery.pk)

    assert Notification.objects.filter(recipient=people["manager"]).count() == 1
    assert Notification.objects.filter(recipient=people["client"]).count() == 1


def test_a_failing_channel_is_retried_with_backoff_then_marked_failed(placed_order, settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    placed_order()
    _dispatch_all()
    delivery = Delivery.objects.get(channel="email")

    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=1,
        EMAIL_TIMEOUT=2,
    ):
        outcomes = []
        for _attempt in range(3):
            Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
            outcomes.append(delivery_attempt(delivery.pk))

    delivery.refresh_from_db()
    assert outcomes == ["retry", "retry", "failed"]
    assert delivery.status == "failed"
    assert delivery.attempts == 3
    assert "ConnectionRefusedError" in delivery.last_error

    delivery_retry(delivery)
    assert delivery_attempt(delivery.pk) == "delivered"
    assert len(mail.outbox) == 1


def test_retry_waits_for_its_backoff(placed_order):
    placed_order()
    _dispatch_all()
    delivery = Delivery.objects.get(channel="email")
    Delivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() + timedelta(minutes=5)
    )

    assert delivery_attempt(delivery.pk) == "skipped"
    assert mail.outbox == []


def test_delay_notice_only_when_the_date_moves_later(placed_order, people):
    order = placed_order()
    order = order_transition(order=order, transition="cancel", by=people["manager"], reason="x")
    OutboxMessage.objects.all().delete()
    today = timezone.localdate()

    delivery_update(order=order, by=None, expected_date=today + timedelta(days=3))
    delivery_update(order=order, by=None, expected_date=today + timedelta(days=5))
    delivery_update(order=order, by=None, expected_date=today + timedelta(days=4))
    _dispatch_all()

    notices = Delivery.objects.filter(message_key="delay_notice", channel="email")
    assert sorted(notices.values_list("address", flat=True)) == [
        "buyer@example.com",
        "manager@example.com",
    ]


def test_delivery_refuses_a_private_address_again_in_production(placed_order, settings):
    # Creation checks the address too; delivery checks again, as a name may resolve elsewhere
    # by then (or the subscription was made while private addresses were allowed).
    from api.services import api_client_create, webhook_subscription_create

    client, _key = api_client_create(name="intranet", scopes=["read"])
    webhook_subscription_create(client=client, url="http://127.0.0.1:9/hook", events=["order.*"])
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    placed_order()
    _dispatch_all()
    webhook = Delivery.objects.get(channel="webhook")

    assert delivery_attempt(webhook.pk) == "retry"

    webhook.refresh_from_db()
    assert "non-public address (127.0.0.1)" in webhook.last_error


def test_links_point_at_the_order_in_each_recipients_portal(placed_order, people):
    order = placed_order()
    _dispatch_all()

    for delivery in Delivery.objects.filter(channel="in_app"):
        delivery_attempt(delivery.pk)

    client_link = Notification.objects.get(recipient=people["client"]).url
    manager_link = Notification.objects.get(recipient=people["manager"]).url
    assert client_link.endswith(f"/client/orders/{order.pk}/")
    assert manager_link.endswith(f"/manager/orders/{order.pk}/")
