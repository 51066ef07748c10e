"""A rating of 1 or 2: the director hears of it by the seeded rule, the manager gets a call-back
task, and the manager's order page shows both."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from conversations.services import feedback_leave
from notifications.dispatch import outbox_message_dispatch
from notifications.models import Delivery, NotificationRule, OutboxMessage
from tasks.models import Task
from tasks.services import task_complete
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def director(db):
    return UserFactory(role=Role.DIRECTOR, email="director@example.com")


def _dispatch(topic):
    message = OutboxMessage.objects.get(topic=topic)
    outbox_message_dispatch(message.pk)
    return message


def test_the_low_rating_rule_is_seeded_for_the_director_by_email_and_in_app():
    rule = NotificationRule.objects.get(topic="order.feedback_low")

    assert (rule.audience, rule.role, rule.channels, rule.is_active) == (
        "role",
        "director",
        ["email", "in_app"],
        True,
    )
    assert rule.history.count() == 1


def test_a_rating_of_2_notifies_the_director_and_gives_the_manager_a_call_back_task(
    delivered_order, people, director
):
    feedback = feedback_leave(
        order=delivered_order, author=people["client"], rating=2, comment="Привезли поздно"
    )

    task = Task.objects.get(order=delivered_order)
    assert task.assignee == people["manager"]
    assert task.status == Task.Status.OPEN
    assert task.title == f"Позвонить клиенту по низкой оценке заказа {delivered_order.number}"
    assert task.description == "Привезли поздно"
    feedback.refresh_from_db()
    assert feedback.follow_up_task == task

    message = _dispatch("order.feedback_low")
    assert message.payload["rating"] == 2
    deliveries = Delivery.objects.filter(outbox_message=message, recipient=director)
    assert sorted(deliveries.values_list("channel", flat=True)) == ["email", "in_app"]
    assert not Delivery.objects.filter(outbox_message=message).exclude(recipient=director).exists()
    email = deliveries.get(channel="email")
    assert email.address == "director@example.com"
    assert email.message_key.startswith("rule:")


@pytest.mark.parametrize("rating", [3, 4, 5])
def test_a_rating_of_3_or_more_notifies_no_director_and_makes_no_task(
    delivered_order, people, director, rating
):
    feedback_leave(order=delivered_order, author=people["client"], rating=rating)

    assert not OutboxMessage.objects.filter(topic="order.feedback_low").exists()
    assert not Task.objects.exists()
    assert OutboxMessage.objects.filter(topic="order.feedback_left").count() == 1


def test_without_an_active_manager_the_task_waits_for_the_managers_role(make_order, people):
    people["manager"].is_active = False
    people["manager"].save()
    order = make_order(state="closed")

    feedback_leave(order=order, author=people["client"], rating=1)

    task = Task.objects.get(order=order)
    assert (task.assignee, task.role) == (None, Role.MANAGER)


def test_an_admin_switching_the_rule_off_falls_back_to_the_builtin_message(
    delivered_order, people, director
):
    NotificationRule.objects.filter(topic="order.feedback_low").update(is_active=False)
    feedback_leave(order=delivered_order, author=people["client"], rating=1)

    message = _dispatch("order.feedback_low")

    assert set(
        Delivery.objects.filter(outbox_message=message).values_list("message_key", flat=True)
    ) == {"feedback_low"}


def test_the_managers_order_page_shows_the_low_rating_and_the_follow_up(
    client, delivered_order, people
):
    feedback_leave(order=delivered_order, author=people["client"], rating=1, comment="Брак")
    client.force_login(people["manager"])

    panel = client.get(
        reverse("portals_manager:order_chat", args=[delivered_order.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'data-testid="feedback-low"' in panel
    assert 'data-testid="feedback-follow-up"' in panel
    assert "text-bg-warning" in panel  # the task is open

    task_complete(task=Task.objects.get(order=delivered_order), by=people["manager"])
    panel = client.get(
        reverse("portals_manager:order_chat", args=[delivered_order.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "text-bg-success" in panel  # and now done

    page = client.get(
        reverse("portals_manager:order_page", args=[delivered_order.pk])
    ).content.decode()
    assert f"Позвонить клиенту по низкой оценке заказа {delivered_order.number}" in page


def test_the_clients_page_never_shows_the_follow_up(client, delivered_order, people):
    feedback_leave(order=delivered_order, author=people["client"], rating=1)
    client.force_login(people["client"])

    panel = client.get(
        reverse("portals_client:order_feedback", args=[delivered_order.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()

    assert "feedback-follow-up" not in panel
    assert "Позвонить" not in panel
