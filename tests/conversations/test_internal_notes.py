"""Staff's internal notes on the thread: written by staff only, with no outbox row, so no
notification, email or webhook; left out of every read that is not explicitly staff's."""

import pytest
from django.core import mail

from accounts.roles import Role
from conversations.models import OrderMessage
from conversations.selectors import messages_for_customer, messages_for_order
from conversations.services import message_post
from notifications.dispatch import delivery_attempt, outbox_message_dispatch
from notifications.models import Delivery, OutboxMessage
from orders.errors import OrderPermissionError
from orders.lifecycle import OrderKind, State
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOTE = "Клиент путает модели, проверить серийный номер"


@pytest.fixture
def ticket(make_order):
    return make_order(kind=OrderKind.SUPPORT, state=State.IN_PROGRESS, subject="Не включается")


def _deliver_everything() -> list[Delivery]:
    ids = [
        i for message in OutboxMessage.objects.all() for i in outbox_message_dispatch(message.pk)
    ]
    for delivery_id in ids:
        delivery_attempt(delivery_id)
    return list(Delivery.objects.filter(pk__in=ids).select_related("recipient"))


def test_staff_post_an_internal_note_and_nothing_leaves_for_anyone(ticket, people):
    note = message_post(order=ticket, author=people["manager"], body=NOTE, is_internal=True)

    assert (note.is_internal, note.is_from_client, note.body) == (True, False, NOTE)
    assert not OutboxMessage.objects.exists()


def test_a_client_cannot_post_an_internal_note(ticket, people):
    with pytest.raises(OrderPermissionError):
        message_post(order=ticket, author=people["client"], body=NOTE, is_internal=True)

    assert not OrderMessage.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_a_director_who_only_reads_cannot_post_an_internal_note(ticket):
    with pytest.raises(OrderPermissionError):
        message_post(
            order=ticket, author=UserFactory(role=Role.DIRECTOR), body=NOTE, is_internal=True
        )

    assert not OrderMessage.objects.exists()


def test_the_thread_leaves_notes_out_unless_staffs_is_asked_for(ticket, people):
    reply = message_post(order=ticket, author=people["manager"], body="Пришлите фото")
    note = message_post(order=ticket, author=people["manager"], body=NOTE, is_internal=True)

    assert list(messages_for_order(ticket)) == [reply]
    assert list(messages_for_order(ticket, include_internal=True)) == [reply, note]
    assert list(messages_for_order(ticket, after_id=reply.pk)) == []


def test_the_client_gets_the_reply_by_email_and_in_app_and_never_the_note(ticket, people):
    message_post(order=ticket, author=people["manager"], body=NOTE, is_internal=True)
    message_post(order=ticket, author=people["manager"], body="Пришлите фото")

    deliveries = _deliver_everything()

    assert {(d.message_key, d.channel, d.recipient.username) for d in deliveries} == {
        ("chat_from_manager", "email", people["client"].username),
        ("chat_from_manager", "in_app", people["client"].username),
    }
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["buyer@example.com"]
    assert NOTE not in sent.body
    assert all(NOTE not in str(content) for content, _type in sent.alternatives)
    assert OutboxMessage.objects.get().payload["from_client"] is False


def test_the_customers_messages_leave_notes_out_unless_staffs_is_asked_for(ticket, people):
    reply = message_post(order=ticket, author=people["manager"], body="Пришлите фото")
    note = message_post(order=ticket, author=people["manager"], body=NOTE, is_internal=True)
    customer_id = ticket.customer_id

    assert messages_for_customer(user=people["client"], customer_id=customer_id) == [reply]
    assert messages_for_customer(
        user=people["manager"], customer_id=customer_id, include_internal=True
    ) == [note, reply]
