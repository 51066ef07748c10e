"""Facts from outside are recorded (an advance payment says so); plans in the past are not."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from orders.lifecycle import State
from orders.models import Order, OrderEvent, Payment
from tests.api.helpers import assert_problem, order_body
from tests.orders.factories import OrderFactory, WorkflowFactory

pytestmark = pytest.mark.django_db

YESTERDAY = timezone.localdate() - timedelta(days=1)


def test_a_payment_before_the_payment_stage_is_recorded_as_an_advance(manager_api):
    order = OrderFactory(state=State.QUOTE, total=Decimal("1000.00"))
    url = f"/api/v1/orders/{order.pk}/payments/"
    body = {"amount": "1500.00", "reference": "п/п 7"}

    first = manager_api.post(url, body, format="json")
    again = manager_api.post(url, body, format="json")

    assert first.status_code == 201, first.json()
    assert first.json()["advance"] is True
    assert first.json()["detail"] == (
        f"Recorded as an advance for order {order.number}: it counts towards its total. "
        "500.00 of it is more than the order costs now: it shows on the customer's "
        "balance and goes to the order when its total is set or grows."
    )
    assert (again.status_code, again.json()) == (200, first.json())
    assert Payment.objects.filter(order=order).count() == 1
    event = OrderEvent.objects.get(order=order, action="payment_recorded")
    assert event.payload["advance"] is True
    assert Order.objects.get(pk=order.pk).state == State.QUOTE


def test_a_payment_at_the_payment_stage_is_no_advance(manager_api):
    order = OrderFactory(state=State.PAYMENT, workflow=WorkflowFactory(prepayment_percent=50))

    response = manager_api.post(
        f"/api/v1/orders/{order.pk}/payments/", {"amount": "100.00"}, format="json"
    )

    assert response.status_code == 201
    assert (response.json()["advance"], response.json()["detail"]) == (False, "")


def test_the_schema_documents_the_advance():
    schema = Client(HTTP_ACCEPT_LANGUAGE="en").get("/api/schema/?format=json").json()

    operation = schema["paths"]["/api/v1/orders/{id}/payments/"]["post"]
    assert "recorded too, as an advance: `advance` is true" in operation["description"]
    reference = operation["responses"]["201"]["content"]["application/json"]["schema"]["$ref"]
    properties = schema["components"]["schemas"][reference.rsplit("/", 1)[-1]]["properties"]
    assert properties["advance"]["type"] == "boolean"
    assert properties["detail"]["type"] == "string"


def test_an_order_for_a_service_day_gone_is_422_without_an_external_id(manager_api, catalog):
    body = order_body(external_id="", service_date=YESTERDAY.isoformat())

    response = manager_api.post("/api/v1/orders/", body, format="json")

    assert_problem(response, 422, service_date="is in the past")
    assert not Order.objects.exists()
    assert not OrderEvent.objects.exists()


def test_an_accounting_systems_order_keeps_its_past_service_date(manager_api, catalog):
    body = order_body(service_date=YESTERDAY.isoformat())

    response = manager_api.post("/api/v1/orders/", body, format="json")

    assert response.status_code == 201, response.json()
    assert Order.objects.get().service_date == YESTERDAY


def test_a_shipment_may_not_move_the_expected_date_into_the_past(manager_api):
    order = OrderFactory(state=State.DELIVERY)

    response = manager_api.post(
        f"/api/v1/orders/{order.pk}/shipments/",
        {"expected_date": YESTERDAY.isoformat(), "carrier": "СДЭК"},
        format="json",
    )

    assert_problem(response, 422, expected_date="is in the past")
    order.refresh_from_db()
    assert (order.carrier, order.expected_delivery_date) == ("", None)
    assert not OrderEvent.objects.exists()
