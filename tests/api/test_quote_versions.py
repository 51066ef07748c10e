"""Quote versions over the API: listed with the order, revised, and only the current accepted."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from accounts.roles import Role
from orders.models import Order, OrderEvent, Quote
from orders.services import LineInput, order_create, order_transition, quote_send
from tests.catalog.factories import ItemFactory
from tests.factories import ContactFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent():
    manager = UserFactory(role=Role.MANAGER)
    contact = ContactFactory()
    order = order_create(
        customer=contact.customer,
        contact=contact,
        kind="product",
        channel="phone",
        by=manager,
        lines=[LineInput(ItemFactory(name="Стол", price=Decimal("28000.00")), 1)],
    )
    order = order_transition(order=order, transition="start_quote", by=manager)
    quote_send(quote=order.quotes.get(), by=manager)
    return Order.objects.get(pk=order.pk), contact


def test_the_order_lists_its_quote_versions(manager_api, sent):
    order, _contact = sent

    body = manager_api.get(f"/api/v1/orders/{order.pk}/").json()

    assert [(q["version"], q["status"]) for q in body["quotes"]] == [(1, "sent")]
    assert body["quotes"][0]["lines"][0]["name"] == "Стол"
    assert body["quotes"][0]["total"] == "28000.00"


def test_revise_then_accepting_the_superseded_version_is_409_and_changes_nothing(manager_api, sent):
    order, _contact = sent
    revised = manager_api.post(f"/api/v1/orders/{order.pk}/quotes/revise/")
    assert revised.status_code == 200
    assert [(q["version"], q["status"]) for q in revised.json()["quotes"]] == [
        (2, "draft"),
        (1, "superseded"),
    ]
    events = OrderEvent.objects.filter(order=order).count()

    refused = manager_api.post(f"/api/v1/orders/{order.pk}/quotes/1/accept/")

    assert refused.status_code == 409
    assert refused["Content-Type"].startswith("application/problem+json")
    assert "Version 1 was replaced" in refused.json()["detail"]
    assert Quote.objects.get(order=order, version=1).status == Quote.Status.SUPERSEDED
    assert OrderEvent.objects.filter(order=order).count() == events


def test_the_current_version_is_accepted_on_the_clients_word(manager_api, sent):
    order, _contact = sent

    accepted = manager_api.post(f"/api/v1/orders/{order.pk}/quotes/1/accept/")

    assert accepted.status_code == 200
    assert accepted.json()["quotes"][0]["status"] == "accepted"
    assert OrderEvent.objects.filter(order=order, action="quote_accepted").count() == 1


def test_a_portal_session_does_not_accept_through_the_api(sent):
    order, contact = sent
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(contact.user)

    response = client.post(f"/api/v1/orders/{order.pk}/quotes/1/accept/")

    assert response.status_code == 403
    assert order.quotes.get().status == Quote.Status.SENT


def test_a_key_without_process_rights_cannot_revise(keyed, sent):
    order, _contact = sent
    reader = keyed(roles=[Role.DIRECTOR])

    response = reader.post(f"/api/v1/orders/{order.pk}/quotes/revise/")

    assert response.status_code == 403
    assert order.quotes.count() == 1
