import pytest
from django.core.management import call_command

from conversations.models import Feedback, OrderMessage
from notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_a_chat_and_a_feedback_once():
    call_command("seed_demo", "--showcase-only")
    outbox_rows = OutboxMessage.objects.count()
    call_command("seed_demo", "--showcase-only")

    chat = list(OrderMessage.objects.select_related("order").order_by("id"))
    assert [message.is_from_client for message in chat] == [True, False]
    assert {message.order.external_id for message in chat} == {"DEMO-O-002"}
    feedback = Feedback.objects.select_related("order").get()
    assert (feedback.order.external_id, feedback.rating) == ("DEMO-O-005", 5)
    assert OutboxMessage.objects.count() == outbox_rows
