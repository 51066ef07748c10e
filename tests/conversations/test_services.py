import pytest
from django.db import IntegrityError

from accounts.roles import Role
from conversations.models import Feedback, OrderMessage
from conversations.services import feedback_leave, message_post
from notifications.dispatch import outbox_message_dispatch
from notifications.models import Delivery, OutboxMessage
from orders.errors import OrderPermissionError, OrderTransitionError, OrderValidationError
from orders.lifecycle import DeliveryStatus, State
from orders.models import OrderEvent
from tests.factories import ContactFactory, UserFactory
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def _deliveries_of(message: OutboxMessage) -> set[tuple[str, str, str]]:
    created = outbox_message_dispatch(message.pk)
    return {
        (delivery.message_key, delivery.channel, delivery.recipient.username)
        for delivery in Delivery.objects.filter(pk__in=created).select_related("recipient")
    }


def _nothing_written():
    return (
        not OrderMessage.objects.exists()
        and not Feedback.objects.exists()
        and not OutboxMessage.objects.exists()
    )


# Who may post


def test_the_orders_client_posts_and_only_the_manager_hears_of_it_in_app(make_order, people):
    order = make_order()

    message = message_post(order=order, author=people["client"], body="  Когда доставка?  ")

    assert (message.order, message.author, message.body) == (
        order,
        people["client"],
        "Когда доставка?",
    )
    assert message.is_from_client is True
    outbox = OutboxMessage.objects.get()
    assert outbox.topic == "order.message_posted"
    assert (outbox.aggregate_type, outbox.aggregate_id) == ("order", order.pk)
    assert outbox.payload["message_id"] == message.pk
    assert outbox.payload["from_client"] is True
    assert _deliveries_of(outbox) == {("chat_from_client", "in_app", people["manager"].username)}


def test_a_managers_message_tells_the_client_by_email_and_in_app(make_order, people):
    order = make_order()

    message = message_post(order=order, author=people["manager"], body="Доставим в пятницу.")

    assert message.is_from_client is False
    outbox = OutboxMessage.objects.get()
    assert outbox.payload["from_client"] is False
    assert _deliveries_of(outbox) == {
        ("chat_from_manager", "email", people["client"].username),
        ("chat_from_manager", "in_app", people["client"].username),
    }


def test_another_user_of_the_same_company_may_post_as_the_client(make_order, people):
    colleague = ContactFactory(customer=people["contact"].customer).user
    order = make_order()

    message = message_post(order=order, author=colleague, body="Я тоже по этому заказу.")

    assert message.is_from_client is True


@pytest.mark.parametrize("role", [Role.WAREHOUSE, Role.COURIER, Role.ADMIN])
def test_staff_who_work_on_orders_may_post(make_order, role):
    order = make_order()

    message = message_post(order=order, author=UserFactory(role=role), body="Уточним.")

    assert message.is_from_client is False


def test_a_read_only_director_may_not_post(make_order):
    order = make_order()

    with pytest.raises(OrderPermissionError):
        message_post(order=order, author=UserFactory(role=Role.DIRECTOR), body="Привет")

    assert _nothing_written()


def test_another_companys_client_may_not_post(make_order):
    order = make_order()

    with pytest.raises(OrderPermissionError):
        message_post(order=order, author=ContactFactory().user, body="Привет")

    assert _nothing_written()


def test_a_contact_without_the_client_role_or_inactive_may_not_post(make_order, people):
    order = make_order()
    no_role = ContactFactory(customer=people["contact"].customer, user__role=None).user
    inactive = ContactFactory(customer=people["contact"].customer, user__is_active=False).user

    for author in (no_role, inactive, UserFactory()):
        with pytest.raises(OrderPermissionError):
            message_post(order=order, author=author, body="Привет")

    assert _nothing_written()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("", "Write a message."),
        ("   \n\t ", "Write a message."),
        ("x" * 4001, "Keep it under 4000 characters."),
        ("a\x00b", "The text contains a character not allowed."),
    ],
)
def test_a_message_without_text_or_too_long_is_refused(make_order, people, body, expected):
    order = make_order()

    with pytest.raises(OrderValidationError) as caught:
        message_post(order=order, author=people["client"], body=body)

    assert caught.value.errors == {"body": [expected]}
    assert _nothing_written()


def test_a_message_is_not_an_order_event(make_order, people):
    order = make_order()

    message_post(order=order, author=people["client"], body="Вопрос")
    message_post(order=order, author=people["manager"], body="Ответ")

    assert not OrderEvent.objects.filter(order=order).exists()
    assert OrderMessage.objects.filter(order=order).count() == 2


def test_a_client_message_on_an_order_without_a_manager_notifies_nobody(people):
    order = OrderFactory(customer=ContactFactory().customer)
    author = order.customer.contacts.get().user

    message_post(order=order, author=author, body="Есть кто?")

    assert _deliveries_of(OutboxMessage.objects.get()) == set()


# Feedback


@pytest.mark.parametrize(
    "state_fields",
    [
        {"state": State.DELIVERY, "delivery_status": DeliveryStatus.HANDED_TO_CLIENT},
        {"state": State.CLOSED},
        {"state": State.SERVICE},
    ],
)
def test_the_client_rates_a_received_order_and_the_manager_hears_of_it(
    make_order, people, state_fields
):
    order = make_order(**state_fields)

    feedback = feedback_leave(order=order, author=people["client"], rating="4", comment=" Хорошо ")

    assert (feedback.order, feedback.rating, feedback.comment) == (order, 4, "Хорошо")
    assert feedback.author == people["client"]
    outbox = OutboxMessage.objects.get()
    assert outbox.topic == "order.feedback_left"
    assert outbox.payload["rating"] == 4
    assert _deliveries_of(outbox) == {("feedback_received", "in_app", people["manager"].username)}
    assert not OrderEvent.objects.exists()


@pytest.mark.parametrize(
    "state_fields",
    [
        {"state": State.REQUEST},
        {"state": State.PRODUCTION},
        {"state": State.DELIVERY, "delivery_status": DeliveryStatus.IN_TRANSIT},
        {"state": State.CANCELLED},
    ],
)
def test_feedback_before_the_client_has_the_order_is_refused(make_order, people, state_fields):
    order = make_order(**state_fields)

    with pytest.raises(OrderTransitionError) as caught:
        feedback_leave(order=order, author=people["client"], rating=5)

    assert caught.value.messages == ["You can rate the order once you have received it."]
    assert _nothing_written()


def test_a_second_feedback_is_refused_and_the_first_stays(delivered_order, people):
    feedback_leave(order=delivered_order, author=people["client"], rating=5, comment="Отлично")
    colleague = ContactFactory(customer=people["contact"].customer).user

    with pytest.raises(OrderTransitionError) as caught:
        feedback_leave(order=delivered_order, author=colleague, rating=1, comment="Плохо")

    assert caught.value.messages == ["You have already left feedback on this order. Thank you!"]
    feedback = Feedback.objects.get()
    assert (feedback.rating, feedback.comment) == (5, "Отлично")
    assert OutboxMessage.objects.count() == 1


@pytest.mark.parametrize("rating", [0, 6, -1, "x", "", None, "4.5"])
def test_a_rating_outside_one_to_five_is_refused(delivered_order, people, rating):
    with pytest.raises(OrderValidationError) as caught:
        feedback_leave(order=delivered_order, author=people["client"], rating=rating)

    assert caught.value.errors == {"rating": ["Choose a rating from 1 to 5."]}
    assert _nothing_written()


def test_rating_and_comment_errors_are_reported_together(delivered_order, people):
    with pytest.raises(OrderValidationError) as caught:
        feedback_leave(order=delivered_order, author=people["client"], rating=9, comment="x" * 4001)

    assert set(caught.value.errors) == {"rating", "comment"}
    assert _nothing_written()


@pytest.mark.parametrize("role", [Role.MANAGER, Role.DIRECTOR])
def test_staff_may_not_leave_the_clients_feedback(delivered_order, role):
    with pytest.raises(OrderPermissionError):
        feedback_leave(order=delivered_order, author=UserFactory(role=role), rating=5)

    assert _nothing_written()


def test_another_companys_client_may_not_rate_the_order(delivered_order):
    with pytest.raises(OrderPermissionError):
        feedback_leave(order=delivered_order, author=ContactFactory().user, rating=5)

    assert _nothing_written()


def test_the_database_refuses_a_rating_outside_one_to_five(delivered_order, people):
    with pytest.raises(IntegrityError):
        Feedback.objects.create(order=delivered_order, author=people["client"], rating=6)
