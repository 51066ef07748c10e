"""Who sees and may do what on the manager's order page: warehouse, courier, director."""

from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from accounts.roles import Role
from orders.lifecycle import DeliveryStatus, OrderKind, State
from orders.models import Order, OrderEvent
from tests.factories import UserFactory
from tests.orders.factories import OrderFactory, PaymentFactory, QuoteFactory, WorkflowFactory

pytestmark = pytest.mark.django_db


def _as(role):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(UserFactory(role=role))
    return client


def _order(state, **fields):
    workflow = WorkflowFactory(kind=OrderKind.PRODUCT, uses_quote=True, uses_contract=True)
    order = OrderFactory(
        state=state,
        workflow=workflow,
        contract_signed_at=timezone.now(),
        total=Decimal("1000.00"),
        **fields,
    )
    QuoteFactory(order=order, version=1, status="accepted")
    PaymentFactory(order=order, amount=Decimal("1000.00"))
    return order


def _transition_buttons(page: str) -> set[str]:
    marker = 'data-testid="transition-'
    return {chunk.split('"', 1)[0] for chunk in page.split(marker)[1:]}


def test_warehouse_sees_only_the_production_transitions():
    warehouse = _as(Role.WAREHOUSE)
    in_production = _order(State.PRODUCTION)
    at_payment = _order(State.PAYMENT)

    production_page = warehouse.get(f"/manager/orders/{in_production.pk}/").content.decode()
    payment_page = warehouse.get(f"/manager/orders/{at_payment.pk}/").content.decode()

    assert _transition_buttons(production_page) == {"ship"}
    # At payment a manager may start production by hand; the warehouse may too, it is theirs.
    assert _transition_buttons(payment_page) <= {"start_production"}
    assert 'data-testid="payment-form"' not in production_page
    assert 'data-testid="quote-builder"' not in production_page


def test_a_courier_updates_the_delivery_and_takes_no_transition():
    courier = _as(Role.COURIER)
    order = _order(State.DELIVERY, delivery_status=DeliveryStatus.IN_TRANSIT)

    page = courier.get(f"/manager/orders/{order.pk}/").content.decode()
    courier.post(f"/manager/orders/{order.pk}/delivery/", {"status": "handed_to_client"})
    refused = courier.post(
        f"/manager/orders/{order.pk}/transitions/close/", {"state": "delivery"}, follow=True
    )

    assert _transition_buttons(page) == set()
    assert f'action="/manager/orders/{order.pk}/delivery/"' in page
    order.refresh_from_db()
    assert order.delivery_status == DeliveryStatus.HANDED_TO_CLIENT
    assert order.state == State.DELIVERY
    assert refused.status_code == 200
    assert "You are not allowed" in refused.content.decode()
    assert not OrderEvent.objects.filter(order=order, action="close").exists()


def test_the_director_reads_everything_and_changes_nothing():
    director = _as(Role.DIRECTOR)
    order = _order(State.DELIVERY, delivery_status=DeliveryStatus.IN_TRANSIT)

    pages = [
        director.get(url)
        for url in (
            "/manager/",
            "/manager/orders/",
            f"/manager/orders/{order.pk}/",
            f"/manager/customers/{order.customer_id}/",
            "/manager/reports/",
        )
    ]
    order_page = pages[2].content.decode()
    posts = [
        director.post(f"/manager/orders/{order.pk}/transitions/close/", {"state": "delivery"}),
        director.post(f"/manager/orders/{order.pk}/delivery/", {"status": "handed_to_client"}),
        director.post(
            f"/manager/orders/{order.pk}/payments/",
            {"payment-amount": "1", "payment-method": "cash"},
        ),
        director.post(f"/manager/orders/{order.pk}/invoices/", {"invoice-kind": "final"}),
    ]

    assert [page.status_code for page in pages] == [200] * 5
    assert _transition_buttons(order_page) == set()
    assert f'action="/manager/orders/{order.pk}/delivery/"' not in order_page
    assert 'data-testid="payment-form"' not in order_page
    # The order's own views refuse through the service (a message); money views are 403.
    assert [response.status_code for response in posts] == [302, 302, 403, 403]
    unchanged = Order.objects.get(pk=order.pk)
    assert (unchanged.state, unchanged.delivery_status, unchanged.version) == (
        State.DELIVERY,
        DeliveryStatus.IN_TRANSIT,
        order.version,
    )
    assert not OrderEvent.objects.filter(order=order).exists()
