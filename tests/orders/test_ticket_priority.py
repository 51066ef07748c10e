"""`ticket_priority_set`: staff change a ticket's priority with an event; everyone else,
closed tickets, other kinds of order and stale copies are refused with nothing written."""

import pytest

from accounts.roles import Role
from notifications.models import OutboxMessage
from orders.actions import OrderAction
from orders.errors import (
    OrderConflictError,
    OrderPermissionError,
    OrderTransitionError,
    OrderValidationError,
)
from orders.lifecycle import OrderKind, State
from orders.models import Order, OrderEvent
from orders.services import ticket_priority_set
from tests.factories import ContactFactory, UserFactory
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(db):
    return ContactFactory()


@pytest.fixture
def ticket(contact):
    return OrderFactory(
        kind=OrderKind.SUPPORT, state=State.IN_PROGRESS, customer=contact.customer, contact=contact
    )


def _unchanged(ticket):
    ticket.refresh_from_db()
    return (
        ticket.priority == Order.Priority.NORMAL
        and not OrderEvent.objects.exists()
        and not OutboxMessage.objects.exists()
    )


def test_a_manager_sets_the_priority_with_an_event_and_its_outbox_row(ticket):
    manager = UserFactory(role=Role.MANAGER)

    changed = ticket_priority_set(
        order=ticket, priority=Order.Priority.URGENT, by=manager, expected_version=ticket.version
    )

    assert changed.priority == Order.Priority.URGENT
    assert changed.version == ticket.version + 1
    event = OrderEvent.objects.get()
    assert (event.action, event.actor, event.from_state, event.to_state) == (
        OrderAction.TICKET_PRIORITY_SET,
        manager,
        State.IN_PROGRESS,
        State.IN_PROGRESS,
    )
    assert event.payload == {"old_priority": "normal", "new_priority": "urgent"}
    outbox = OutboxMessage.objects.get()
    assert outbox.topic == "order.ticket_priority_set"
    assert outbox.payload["new_priority"] == "urgent"


def test_the_same_priority_again_writes_nothing(ticket):
    ticket_priority_set(
        order=ticket, priority=Order.Priority.NORMAL, by=UserFactory(role=Role.MANAGER)
    )

    assert _unchanged(ticket)


def test_a_client_may_not_set_the_priority(ticket, contact):
    with pytest.raises(OrderPermissionError):
        ticket_priority_set(order=ticket, priority=Order.Priority.URGENT, by=contact.user)

    assert _unchanged(ticket)


def test_a_director_who_only_reads_may_not_set_the_priority(ticket):
    with pytest.raises(OrderPermissionError):
        ticket_priority_set(
            order=ticket, priority=Order.Priority.URGENT, by=UserFactory(role=Role.DIRECTOR)
        )

    assert _unchanged(ticket)


@pytest.mark.parametrize("state", [State.CLOSED, State.CANCELLED])
def test_a_closed_ticket_keeps_its_priority(contact, state):
    ticket = OrderFactory(kind=OrderKind.SUPPORT, state=state, customer=contact.customer)

    with pytest.raises(OrderTransitionError, match="closed"):
        ticket_priority_set(
            order=ticket, priority=Order.Priority.URGENT, by=UserFactory(role=Role.MANAGER)
        )

    assert _unchanged(ticket)


def test_only_a_support_request_has_its_priority_set_here():
    order = OrderFactory(kind=OrderKind.PRODUCT, state=State.REQUEST)

    with pytest.raises(OrderTransitionError):
        ticket_priority_set(
            order=order, priority=Order.Priority.URGENT, by=UserFactory(role=Role.MANAGER)
        )

    assert _unchanged(order)


def test_an_unknown_priority_is_refused(ticket):
    with pytest.raises(OrderValidationError) as refused:
        ticket_priority_set(order=ticket, priority="asap", by=UserFactory(role=Role.MANAGER))

    assert list(refused.value.errors) == ["priority"]
    assert _unchanged(ticket)


def test_a_stale_copy_is_refused(ticket):
    with pytest.raises(OrderConflictError):
        ticket_priority_set(
            order=ticket,
            priority=Order.Priority.HIGH,
            by=UserFactory(role=Role.MANAGER),
            expected_version=ticket.version - 1,
        )

    assert _unchanged(ticket)
