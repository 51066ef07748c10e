"""Shipping over the API: the transition endpoint takes the carrier by name with the
tracking number and date; where the workflow ships by carrier it refuses without them."""

import pytest

from notifications.models import OutboxMessage
from orders.lifecycle import State
from orders.models import Order, OrderEvent
from tests.api.helpers import assert_problem
from tests.orders.factories import OrderFactory, WorkflowFactory

pytestmark = pytest.mark.django_db


def test_ship_takes_the_carrier_by_name_with_tracking_and_date(manager_api):
    order = OrderFactory(state=State.PRODUCTION, workflow=WorkflowFactory(ships_by_carrier=True))

    response = manager_api.post(
        f"/api/v1/orders/{order.pk}/transitions/",
        {
            "transition": "ship",
            "carrier": "почта россии",
            "tracking_number": "80080012345678",
            "expected_date": "2031-04-05",
        },
        format="json",
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == "delivery"
    assert body["delivery"] == {
        "status": "handed_to_carrier",
        "carrier": "Почта России",
        "tracking_number": "80080012345678",
        "tracking_url": "https://www.pochta.ru/tracking?barcode=80080012345678",
        "expected_date": "2031-04-05",
        "method": "",
        "address": "",
    }


def test_ship_without_carrier_and_tracking_is_422_where_the_workflow_ships_by_carrier(
    manager_api,
):
    order = OrderFactory(state=State.PRODUCTION, workflow=WorkflowFactory(ships_by_carrier=True))

    response = manager_api.post(
        f"/api/v1/orders/{order.pk}/transitions/", {"transition": "ship"}, format="json"
    )

    assert_problem(response, 422, carrier="", tracking_number="")
    assert Order.objects.get(pk=order.pk).state == State.PRODUCTION
    assert not OrderEvent.objects.filter(order=order).exists()
    assert not OutboxMessage.objects.filter(aggregate_id=order.pk).exists()


def test_ship_without_details_still_works_where_the_workflow_does_not_ask(manager_api):
    order = OrderFactory(state=State.PRODUCTION, workflow=WorkflowFactory())

    response = manager_api.post(
        f"/api/v1/orders/{order.pk}/transitions/", {"transition": "ship"}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["delivery"]["tracking_url"] == ""


def test_an_unlisted_carrier_name_is_kept_as_given_without_a_link(manager_api):
    order = OrderFactory(state=State.DELIVERY)

    response = manager_api.post(
        f"/api/v1/orders/{order.pk}/shipments/",
        {"carrier": "Своя доставка", "tracking_number": "A1"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["delivery"]["carrier"] == "Своя доставка"
    assert response.json()["delivery"]["tracking_url"] == ""
