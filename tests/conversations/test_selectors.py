import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from conversations.models import OrderMessage
from conversations.selectors import (
    feedback_for_customer,
    messages_for_customer,
    messages_for_order,
    order_get_for_chat,
)
from conversations.services import feedback_leave, message_post
from tests.factories import ContactFactory
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def _post(order, author, count):
    return [message_post(order=order, author=author, body=f"#{n}") for n in range(count)]


def test_messages_come_oldest_first_and_after_an_id_only_newer_ones(make_order, people):
    order = make_order()
    first, second, third = _post(order, people["client"], 3)
    _post(make_order(), people["client"], 1)

    assert list(messages_for_order(order)) == [first, second, third]
    assert list(messages_for_order(order, after_id=first.pk)) == [second, third]
    assert list(messages_for_order(order, after_id=third.pk)) == []


def test_listing_messages_with_their_authors_costs_one_query_whatever_their_number(
    make_order, people
):
    order = make_order()
    _post(order, people["client"], 3)
    _post(order, people["manager"], 47)

    with CaptureQueriesContext(connection) as queries:
        names = [str(message.author) for message in messages_for_order(order)]

    assert len(names) == 50
    assert len(queries) == 1


def test_chat_order_is_404_outside_what_the_user_may_see(make_order, people):
    order = make_order()

    assert order_get_for_chat(user=people["client"], order_id=order.pk) == order
    assert order_get_for_chat(user=people["manager"], order_id=order.pk) == order
    for order_id in (OrderFactory().pk, "x", None):
        with pytest.raises(Http404):
            order_get_for_chat(user=people["client"], order_id=order_id)


def test_customer_history_reads_only_orders_the_user_may_see(make_order, delivered_order, people):
    mine = _post(make_order(), people["client"], 2)
    feedback = feedback_leave(order=delivered_order, author=people["client"], rating=3)
    other = ContactFactory()
    _post(OrderFactory(customer=other.customer), other.user, 1)
    customer_id = people["contact"].customer.pk

    assert messages_for_customer(user=people["manager"], customer_id=customer_id) == mine[::-1]
    assert feedback_for_customer(user=people["manager"], customer_id=customer_id) == [feedback]
    assert messages_for_customer(user=other.user, customer_id=customer_id) == []
    assert OrderMessage.objects.count() == 3
