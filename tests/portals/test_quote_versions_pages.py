"""Revising a sent quote from the manager's page; the client sees what changed."""

from decimal import Decimal

import pytest
from django.test import Client

from accounts.roles import Role
from orders.models import Order, Quote
from orders.services import (
    LineInput,
    QuotePricing,
    order_create,
    order_transition,
    quote_price_draft,
    quote_send,
)
from tests.catalog.factories import ItemFactory
from tests.factories import ContactFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager():
    return UserFactory(role=Role.MANAGER)


@pytest.fixture
def sent(manager):
    contact = ContactFactory()
    order = order_create(
        customer=contact.customer,
        contact=contact,
        kind="product",
        channel="phone",
        by=manager,
        lines=[
            LineInput(ItemFactory(name="Стол", price=Decimal("28000.00")), 1),
            LineInput(ItemFactory(name="Стул", price=Decimal("4000.00")), 4),
        ],
    )
    order = order_transition(order=order, transition="start_quote", by=manager)
    quote_send(quote=order.quotes.get(), by=manager)
    return Order.objects.get(pk=order.pk), contact


def _browser(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_the_manager_revises_the_sent_quote_into_version_two(sent, manager):
    order, _contact = sent
    browser = _browser(manager)

    page = browser.get(f"/manager/orders/{order.pk}/")
    assert b'data-testid="quote-revise"' in page.content

    response = browser.post(f"/manager/orders/{order.pk}/quotes/revise/", follow=True)

    assert response.status_code == 200
    assert "Version 2 is a draft" in response.content.decode()
    assert b'data-testid="quote-builder"' in response.content
    assert b'data-testid="quote-revise"' not in response.content
    assert dict(order.quotes.values_list("version", "status")) == {
        1: Quote.Status.SUPERSEDED,
        2: Quote.Status.DRAFT,
    }


def test_a_director_who_only_reads_cannot_revise(sent):
    order, _contact = sent
    director = UserFactory(role=Role.DIRECTOR)

    response = _browser(director).post(f"/manager/orders/{order.pk}/quotes/revise/")

    assert response.status_code == 403
    assert order.quotes.count() == 1


def test_the_client_sees_the_current_version_with_what_changed(
    sent, manager, django_assert_max_num_queries
):
    order, contact = sent
    browser = _browser(manager)
    browser.post(f"/manager/orders/{order.pk}/quotes/revise/")
    draft = order.quotes.get(status=Quote.Status.DRAFT)
    chairs = order.lines.get(name="Стул")
    quote_price_draft(
        quote=draft, pricing=QuotePricing(discounts={chairs.pk: Decimal("25")}), by=manager
    )
    quote_send(quote=Quote.objects.get(pk=draft.pk), by=manager)
    client = _browser(contact.user)

    with django_assert_max_num_queries(25):
        page = client.get(f"/client/orders/{order.pk}/")

    text = page.content.decode()
    assert "Quote, version 2" in text
    assert "Changes since version 1" in text
    assert 'data-change="changed"' in text
    assert text.count('data-change="') == 1  # the table is unchanged, so not listed
    assert f'value="{draft.pk}"' in text  # the accept form names version 2


def test_accepting_the_superseded_version_from_the_portal_is_refused(sent, manager):
    order, contact = sent
    first = order.quotes.get()
    _browser(manager).post(f"/manager/orders/{order.pk}/quotes/revise/")

    response = _browser(contact.user).post(
        f"/client/orders/{order.pk}/quote/accept/", {"quote": first.pk}, follow=True
    )

    assert "Version 1 was replaced by a newer one" in response.content.decode()
    first.refresh_from_db()
    assert first.status == Quote.Status.SUPERSEDED
