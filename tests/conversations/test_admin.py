"""Chat messages and feedback are listed in the Django admin and cannot be changed there."""

import pytest
from django.test import Client
from django.urls import reverse

from conversations.models import Feedback, OrderMessage
from tests.factories import UserFactory
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(db):
    order = OrderFactory(number="2026-000042")
    message = OrderMessage.objects.create(order=order, is_from_client=True, body="Когда доставка?")
    feedback = Feedback.objects.create(order=order, rating=4, comment="Всё хорошо")
    return message, feedback


@pytest.mark.parametrize("model", ["ordermessage", "feedback"])
def test_the_lists_open_and_find_by_order_number(admin_client, conversation, model):
    response = admin_client.get(
        reverse(f"admin:conversations_{model}_changelist"), {"q": "2026-000042"}
    )

    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


def test_messages_cannot_be_added_changed_or_deleted(admin_client, conversation):
    message, feedback = conversation

    assert admin_client.get(reverse("admin:conversations_ordermessage_add")).status_code == 403
    posted = admin_client.post(
        reverse("admin:conversations_ordermessage_change", args=[message.pk]),
        {"body": "Переписано"},
    )
    deleted = admin_client.post(
        reverse("admin:conversations_feedback_delete", args=[feedback.pk]), {"post": "yes"}
    )

    assert posted.status_code == 403
    assert deleted.status_code == 403
    message.refresh_from_db()
    assert message.body == "Когда доставка?"
    assert Feedback.objects.filter(pk=feedback.pk).exists()


def test_the_admin_role_reads_them_in_the_django_admin(conversation):
    admin = UserFactory(role="admin", is_staff=True)
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(admin)

    assert browser.get(reverse("admin:conversations_feedback_changelist")).status_code == 200


def test_the_message_list_costs_the_same_for_50_messages_as_for_5(admin_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("admin:conversations_ordermessage_changelist")

    def queries_for(count):
        while OrderMessage.objects.count() < count:
            OrderMessage.objects.create(
                order=OrderFactory(), author=UserFactory(), is_from_client=False, body="Ответ"
            )
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(url).status_code == 200
        return len(captured)

    five = queries_for(5)
    fifty = queries_for(50)

    assert fifty <= five
