"""The API takes positions outside the catalog and the delivery method and address."""

import pytest

from orders.models import Order
from tests.api.helpers import assert_problem, order_body

pytestmark = pytest.mark.django_db


def test_a_free_line_and_a_courier_delivery_are_created(manager_api, catalog):
    body = order_body(
        lines=[
            {"item": {"external_id": "SKU-1"}, "quantity": "1", "options": {"fabric": "Велюр"}},
            {"name": "Подъём на этаж", "quantity": "1", "price": "1500.00", "vat_rate": 20},
        ],
        delivery_method="courier",
        delivery_address="Москва, Тверская, 1",
    )

    response = manager_api.post("/api/v1/orders/", body, format="json")

    assert response.status_code == 201, response.json()
    lines = response.json()["lines"]
    assert [(line["item"], line["name"], line["vat_rate"]) for line in lines[1:]] == [
        (None, "Подъём на этаж", 20)
    ]
    assert response.json()["delivery"]["method"] == "courier"
    assert response.json()["delivery"]["address"] == "Москва, Тверская, 1"
    order = Order.objects.get()
    assert order.lines.get(position=2).item is None


def test_a_free_line_without_name_or_price_is_refused(manager_api, catalog):
    body = order_body(lines=[{"quantity": "1"}])

    response = manager_api.post("/api/v1/orders/", body, format="json")

    assert_problem(response, 422, lines__0__name="", lines__0__price="")
    assert Order.objects.count() == 0


def test_a_courier_without_an_address_is_refused(manager_api, catalog):
    response = manager_api.post(
        "/api/v1/orders/", order_body(delivery_method="courier"), format="json"
    )

    assert_problem(response, 422, delivery_address="")
    assert Order.objects.count() == 0
