"""Errors at the edge: NUL characters, problem bodies."""

import pytest

from customers.models import Customer
from orders.models import Order
from tests.api.helpers import assert_problem, order_body

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("body", "path"),
    [
        (order_body(comment="a\x00b"), "comment"),
        (order_body(customer={"external_id": "C-\x001"}), "customer.external_id"),
        (
            order_body(
                lines=[
                    {
                        "item": {"external_id": "SKU-1"},
                        "quantity": "1",
                        "options": {"fabric": "\x00"},
                    }
                ]
            ),
            "lines.0.options.fabric",
        ),
    ],
)
def test_nul_in_the_body_is_400_naming_the_field(manager_api, catalog, body, path):
    response = manager_api.post("/api/v1/orders/", body, format="json")

    assert_problem(response, 400, **{path.replace(".", "__"): "NUL"})
    assert Order.objects.count() == 0


def test_nul_in_a_key_of_the_body_is_400(manager_api, catalog):
    response = manager_api.post("/api/v1/orders/", {"a\x00": 1}, format="json")

    assert_problem(response, 400)


def test_nul_in_a_header_is_400_naming_it(manager_api, catalog):
    response = manager_api.post(
        "/api/v1/orders/", order_body(), format="json", HTTP_IDEMPOTENCY_KEY="k\x00"
    )

    assert_problem(response, 400, **{"Idempotency-Key": "NUL"})


def test_nul_in_a_query_parameter_is_400_naming_it(manager_api):
    assert_problem(manager_api.get("/api/v1/customers/", {"inn": "1\x00"}), 400, inn="NUL")


def test_nul_in_a_path_parameter_is_400_naming_it(manager_api):
    response = manager_api.put(
        "/api/v1/customers/by-external-id/C%00-1/", {"name": "X"}, format="json"
    )

    assert_problem(response, 400, external_id="NUL")
    assert Customer.objects.count() == 0


def test_problems_carry_type_title_status_detail(manager_api):
    body = assert_problem(manager_api.get("/api/v1/orders/999999/"), 404)

    assert body["type"] == "urn:ordercrm:problem:not-found"
    assert body["title"] == "Not found"


def test_a_form_encoded_body_is_415(manager_api):
    response = manager_api.post("/api/v1/customers/", {"name": "X"})

    assert_problem(response, 415)
