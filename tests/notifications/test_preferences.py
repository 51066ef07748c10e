"""Each user's switched-off kinds of message: dispatch creates no delivery for them."""

import pytest
from django.urls import reverse

from accounts.preferences import CLIENT_KINDS, STAFF_KINDS, notification_kinds_for
from accounts.services import user_notification_preferences_set
from notifications.dispatch import outbox_message_dispatch
from notifications.models import Delivery, OutboxMessage
from notifications.preferences import notification_kind_of

pytestmark = pytest.mark.django_db

ALL_CHANNELS = ("email", "in_app")


def _all_but(user, *switched_off):
    enabled = {(kind, channel) for kind in notification_kinds_for(user) for channel in ALL_CHANNELS}
    return enabled - set(switched_off)


def _deliveries(topic):
    message = OutboxMessage.objects.get(topic=topic)
    outbox_message_dispatch(message.pk)
    return sorted(
        Delivery.objects.filter(outbox_message=message).values_list(
            "message_key", "channel", "recipient__username"
        )
    )


def test_by_default_everything_is_on(placed_order, people):
    placed_order()

    assert _deliveries("order.created") == sorted(
        [
            ("order_received", "email", people["client"].username),
            ("order_received", "in_app", people["client"].username),
            ("new_request", "in_app", people["manager"].username),
        ]
    )


def test_a_client_who_switched_off_order_emails_gets_no_email_but_still_the_in_app_one(
    placed_order, people
):
    client = people["client"]
    user_notification_preferences_set(
        user=client, enabled=_all_but(client, ("order_updates", "email"))
    )
    placed_order()

    assert _deliveries("order.created") == sorted(
        [
            ("order_received", "in_app", client.username),
            ("new_request", "in_app", people["manager"].username),
        ]
    )


def test_a_manager_who_switched_off_in_app_order_updates_gets_none_the_client_still_does(
    placed_order, people
):
    manager = people["manager"]
    user_notification_preferences_set(
        user=manager, enabled=_all_but(manager, ("order_updates", "in_app"))
    )
    placed_order()

    assert [row[0] for row in _deliveries("order.created")] == ["order_received", "order_received"]


def test_the_kinds_of_topics():
    assert notification_kind_of("cart.reminder") == "cart_reminders"
    assert notification_kind_of("order.created") == "order_updates"
    assert notification_kind_of("order.some_future_topic") == "order_updates"
    assert notification_kind_of("order.feedback_low") == "conversations"
    assert notification_kind_of("order.sla_breach") == "alerts"
    assert notification_kind_of("task.assigned") == "tasks"
    assert notification_kind_of("account.signup_confirmation") is None


def test_clients_and_staff_choose_among_their_own_kinds(people):
    assert notification_kinds_for(people["client"]) == CLIENT_KINDS
    assert notification_kinds_for(people["manager"]) == STAFF_KINDS


def test_the_profile_page_saves_what_is_unticked_and_shows_it(client, people):
    user = people["client"]
    client.force_login(user)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert 'name="cart_reminders__email"' in page
    assert 'name="tasks__email"' not in page  # a client gets no tasks

    ticked = {
        f"{kind}__{channel}": "on"
        for kind in CLIENT_KINDS
        for channel in ALL_CHANNELS
        if (kind, channel) != ("cart_reminders", "email")
    }
    response = client.post(reverse("accounts:notification_preferences"), ticked)

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.notifications_off == ["cart_reminders:email"]
    page = client.get(reverse("accounts:profile")).content.decode()
    assert 'name="cart_reminders__email" id="id_cart_reminders__email" aria' in page
    assert 'name="cart_reminders__in_app" id="id_cart_reminders__in_app" checked' in page


def test_the_preferences_page_needs_a_login(client):
    response = client.post(reverse("accounts:notification_preferences"), {})

    assert response.status_code == 302
    assert reverse("accounts:login") in response.url
