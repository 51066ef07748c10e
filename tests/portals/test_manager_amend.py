"""Amending an order from its page: back to quoting with the next version, lines kept."""

from decimal import Decimal

import pytest
from django.test import Client

from accounts.roles import Role
from orders.lifecycle import State
from orders.models import Order, OrderEvent, Quote
from orders.services import (
    LineInput,
    order_create,
    order_transition,
    quote_accept,
    quote_send,
)
from tests.catalog.factories import ItemFactory
from tests.factories import ContactFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager():
    return UserFactory(role=Role.MANAGER)


@pytest.fixture
def at_contract(manager):
    contact = ContactFactory()
    order = order_create(
        customer=contact.customer,
        contact=contact,
        kind="product",
        channel="phone",
        by=manager,
        lines=[LineInput(ItemFactory(name="Диван", price=Decimal("90000.00")), 1)],
    )
    order = order_transition(order=order, transition="start_quote", by=manager)
    quote = order.quotes.get()
    quote_send(quote=quote, by=manager)
    quote_accept(quote=quote, by=contact.user)
    return order_transition(
        order=Order.objects.get(pk=order.pk), transition="prepare_contract", by=manager
    )


def _browser(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_amending_from_the_page_opens_version_two_with_the_lines_as_they_were(at_contract, manager):
    browser = _browser(manager)
    assert b'data-testid="order-amend"' in browser.get(f"/manager/orders/{at_contract.pk}/").content

    response = browser.post(
        f"/manager/orders/{at_contract.pk}/amend/", {"note": "Клиент берёт два"}, follow=True
    )

    order = Order.objects.get(pk=at_contract.pk)
    assert order.state == State.QUOTE
    assert order.total == Decimal("90000.00")
    assert dict(order.quotes.values_list("version", "status")) == {
        1: Quote.Status.SUPERSEDED,
        2: Quote.Status.DRAFT,
    }
    assert b'data-testid="quote-builder"' in response.content
    event = OrderEvent.objects.get(order=order, action="amend")
    assert event.note == "Клиент берёт два"
    assert event.payload["previous_lines"][0]["name"] == "Диван"
    assert "Before: Диван × 1" in response.content.decode()


def test_an_order_already_closed_is_not_amended(at_contract, manager):
    Order.objects.filter(pk=at_contract.pk).update(state=State.CLOSED)

    response = _browser(manager).post(f"/manager/orders/{at_contract.pk}/amend/", follow=True)

    assert "can be amended only" in response.content.decode()
    assert Order.objects.get(pk=at_contract.pk).state == State.CLOSED
    assert not OrderEvent.objects.filter(order=at_contract, action="amend").exists()


def test_a_director_who_only_reads_cannot_amend(at_contract):
    response = _browser(UserFactory(role=Role.DIRECTOR)).post(
        f"/manager/orders/{at_contract.pk}/amend/"
    )

    assert response.status_code == 403
    assert Order.objects.get(pk=at_contract.pk).state == State.CONTRACT
