"""Every transition from every state, for every role: allowed ones move the order and
write one event; forbidden ones raise and leave no trace."""

import pytest

from accounts.roles import Role
from notifications.models import OutboxMessage
from orders.errors import OrderPermissionError, OrderTransitionError
from orders.lifecycle import OrderKind, PaymentTerms, State
from orders.models import Order, OrderEvent
from orders.services import order_transition

pytestmark = pytest.mark.django_db

S = State
SALES = OrderKind.PRODUCT
TICKET = OrderKind.SUPPORT
# The integration role (an accounting system's service user) processes orders as a manager.
STAFF = {Role.MANAGER, Role.ADMIN, Role.INTEGRATION}

# transition: (kind, sources, target, roles allowed, states where the client may act)
LIFECYCLE = {
    "start_quote": (SALES, {S.REQUEST}, S.QUOTE, STAFF),
    "prepare_contract": (SALES, {S.REQUEST, S.QUOTE}, S.CONTRACT, STAFF),
    "request_payment": (SALES, {S.REQUEST, S.QUOTE, S.CONTRACT, S.DELIVERY}, S.PAYMENT, STAFF),
    "start_production": (
        SALES,
        {S.REQUEST, S.QUOTE, S.CONTRACT, S.PAYMENT},
        S.PRODUCTION,
        STAFF | {Role.WAREHOUSE},
    ),
    "ship": (SALES, {S.PRODUCTION}, S.DELIVERY, STAFF | {Role.WAREHOUSE}),
    "close": (SALES, {S.DELIVERY, S.PAYMENT, S.PRODUCTION}, S.CLOSED, STAFF),
    "schedule_service": (SALES, {S.CLOSED}, S.SERVICE, STAFF | {Role.CLIENT}),
    "complete_service": (SALES, {S.SERVICE}, S.CLOSED, STAFF),
    "amend": (SALES, {S.QUOTE, S.CONTRACT, S.PAYMENT, S.PRODUCTION}, S.QUOTE, STAFF),
    "cancel": (
        SALES,
        {S.REQUEST, S.QUOTE, S.CONTRACT, S.PAYMENT, S.PRODUCTION, S.DELIVERY},
        S.CANCELLED,
        STAFF,
    ),
    "take_ticket": (TICKET, {S.NEW}, S.IN_PROGRESS, STAFF),
    "ask_client": (TICKET, {S.IN_PROGRESS}, S.WAITING_CLIENT, STAFF),
    "client_replied": (TICKET, {S.WAITING_CLIENT}, S.IN_PROGRESS, STAFF | {Role.CLIENT}),
    "resolve": (TICKET, {S.IN_PROGRESS, S.WAITING_CLIENT}, S.RESOLVED, STAFF),
    "close_ticket": (TICKET, {S.RESOLVED}, S.CLOSED, STAFF | {Role.CLIENT}),
    "reopen": (TICKET, {S.RESOLVED, S.CLOSED}, S.IN_PROGRESS, STAFF | {Role.CLIENT}),
}
# The client may cancel only before the order is being worked on.
CLIENT_CANCELS_FROM = {S.REQUEST, S.QUOTE, S.NEW}
TICKET_CANCEL_SOURCES = {S.NEW, S.IN_PROGRESS, S.WAITING_CLIENT}


def _payment_terms(name, source):
    post_paid = (name == "request_payment" and source == S.DELIVERY) or (
        name == "start_production" and source != S.PAYMENT
    )
    return PaymentTerms.POSTPAY if post_paid else PaymentTerms.PREPAY


def _cases():
    for name, (kind, sources, target, roles) in LIFECYCLE.items():
        for source in sorted(sources):
            for role in Role:
                allowed = role in roles or (
                    name == "cancel" and role == Role.CLIENT and source in CLIENT_CANCELS_FROM
                )
                yield pytest.param(
                    name, kind, source, target, role, allowed, id=f"{name}-{source}-{role}"
                )
    for source in sorted(TICKET_CANCEL_SOURCES):
        for role in Role:
            allowed = role in STAFF or (role == Role.CLIENT and source in CLIENT_CANCELS_FROM)
            yield pytest.param(
                "cancel",
                TICKET,
                source,
                S.CANCELLED,
                role,
                allowed,
                id=f"cancel-ticket-{source}-{role}",
            )


def test_the_code_declares_exactly_this_lifecycle():
    declared = {}
    for transition in Order._meta.get_field("state").get_all_transitions(Order):
        declared.setdefault(transition.name, set()).add((transition.source, transition.target))
    expected = {
        name: {(source, target) for source in sources}
        for name, (_kind, sources, target, _roles) in LIFECYCLE.items()
    }
    expected["cancel"] |= {(source, S.CANCELLED) for source in TICKET_CANCEL_SOURCES}

    assert declared == expected


@pytest.mark.parametrize(("name", "kind", "source", "target", "role", "allowed"), list(_cases()))
def test_transition_by_role(users, ready_order, name, kind, source, target, role, allowed):
    order = ready_order(
        source,
        customer=users["own_customer"],
        kind=kind,
        payment_terms=_payment_terms(name, source),
        # Closing straight from production is for workflows without a delivery stage.
        uses_delivery=not (name == "close" and source == S.PRODUCTION),
    )
    events_before = OrderEvent.objects.count()

    if allowed:
        result = order_transition(order=order, transition=name, by=users[role], reason="тест")
        assert result.state == target
        assert Order.objects.get(pk=order.pk).state == target
        event = OrderEvent.objects.get(order=order, action=name)
        assert (event.from_state, event.to_state, event.actor) == (source, target, users[role])
        assert (
            OutboxMessage.objects.filter(topic=f"order.{name}", aggregate_id=order.pk).count() == 1
        )
    else:
        with pytest.raises(OrderPermissionError):
            order_transition(order=order, transition=name, by=users[role], reason="тест")
        assert Order.objects.get(pk=order.pk).state == source
        assert OrderEvent.objects.count() == events_before
        assert not OutboxMessage.objects.filter(aggregate_id=order.pk).exists()


def _forbidden_sources():
    for name, (kind, sources, _target, _roles) in LIFECYCLE.items():
        all_sources = sources | (TICKET_CANCEL_SOURCES if name == "cancel" else set())
        for state in sorted(set(S) - all_sources):
            yield pytest.param(name, kind, state, id=f"{name}-from-{state}")


@pytest.mark.parametrize(("name", "kind", "state"), list(_forbidden_sources()))
def test_transition_from_a_state_without_it_is_refused(users, ready_order, name, kind, state):
    order = ready_order(state, customer=users["own_customer"], kind=kind)

    with pytest.raises(OrderTransitionError):
        order_transition(order=order, transition=name, by=users[Role.ADMIN], reason="тест")

    assert Order.objects.get(pk=order.pk).state == state
    assert not OrderEvent.objects.filter(order=order).exists()


def test_client_of_another_company_may_not_act(users, ready_order):
    from tests.factories import CustomerFactory

    order = ready_order(S.RESOLVED, customer=CustomerFactory(), kind=TICKET)

    with pytest.raises(OrderPermissionError):
        order_transition(order=order, transition="close_ticket", by=users[Role.CLIENT])

    assert Order.objects.get(pk=order.pk).state == S.RESOLVED


def test_unknown_transition_name_is_refused(users, ready_order):
    order = ready_order(S.REQUEST, customer=users["own_customer"])

    with pytest.raises(OrderTransitionError):
        order_transition(order=order, transition="delete", by=users[Role.ADMIN])
    with pytest.raises(OrderTransitionError):
        order_transition(order=order, transition="save", by=users[Role.ADMIN])
