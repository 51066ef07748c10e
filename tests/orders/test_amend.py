from decimal import Decimal

import pytest

from accounts.roles import Role
from orders.lifecycle import State
from orders.models import Order, OrderEvent, Quote
from orders.services import (
    LineInput,
    order_amend,
    order_create,
    order_transition,
    quote_accept,
    quote_send,
)
from tests.catalog.factories import ItemFactory
from tests.factories import CustomerFactory
from tests.orders.factories import WorkflowFactory

pytestmark = pytest.mark.django_db


def test_amending_sends_the_order_back_to_quote_with_a_new_version(make_staff):
    manager = make_staff(Role.MANAGER)
    table = ItemFactory(name="Стол", price=Decimal("28000.00"))
    chair = ItemFactory(name="Стул", price=Decimal("4000.00"))
    WorkflowFactory(kind="product")
    order = order_create(
        customer=CustomerFactory(),
        kind="product",
        channel="manager",
        by=manager,
        lines=[LineInput(item=table, quantity=1)],
    )
    order = order_transition(order=order, transition="start_quote", by=manager)
    first = order.quotes.get()
    quote_send(quote=first, by=manager)
    quote_accept(quote=first, by=manager)
    order = order_transition(
        order=Order.objects.get(pk=order.pk), transition="prepare_contract", by=manager
    )

    amended = order_amend(
        order=order,
        by=manager,
        note="Клиент добавил стулья",
        lines=[LineInput(item=table, quantity=1), LineInput(item=chair, quantity=4)],
    )

    assert amended.state == State.QUOTE
    assert amended.total == Decimal("44000.00")
    versions = {quote.version: quote for quote in Quote.objects.filter(order=order)}
    assert set(versions) == {1, 2}
    assert versions[1].status == Quote.Status.SUPERSEDED
    assert versions[1].accepted_at is not None
    assert versions[1].total == Decimal("28000.00")
    assert [line["name"] for line in versions[1].lines] == ["Стол"]
    assert versions[2].status == Quote.Status.DRAFT
    assert [line["name"] for line in versions[2].lines] == ["Стол", "Стул"]
    event = OrderEvent.objects.get(order=order, action="amend")
    assert (event.from_state, event.to_state, event.note) == (
        State.CONTRACT,
        State.QUOTE,
        "Клиент добавил стулья",
    )
    assert [line["name"] for line in event.payload["previous_lines"]] == ["Стол"]
    # The new version must be accepted again before the contract.
    with pytest.raises(Exception, match="not accepted"):
        order_transition(order=amended, transition="prepare_contract", by=manager)


def test_amending_a_delivered_order_is_refused(make_staff):
    manager = make_staff(Role.MANAGER)
    item = ItemFactory()
    order = order_create(
        customer=CustomerFactory(),
        kind="product",
        channel="manager",
        by=manager,
        lines=[LineInput(item=item, quantity=1)],
    )

    with pytest.raises(Exception, match="quote, contract, payment or production"):
        order_amend(order=order, by=manager, lines=[LineInput(item=item, quantity=2)])

    assert Order.objects.get(pk=order.pk).total == Decimal("1000.00")
