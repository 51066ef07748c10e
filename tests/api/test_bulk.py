import pytest

from orders.models import Order
from tests.api.helpers import assert_problem, order_body

pytestmark = pytest.mark.django_db


def test_each_order_of_a_batch_is_created_or_rejected_on_its_own(manager_api, catalog):
    batch = [
        order_body(external_id="B-1"),
        order_body(external_id="B-2", kind="gift"),
        order_body(external_id="B-3", lines=[{"item": {"external_id": "SKU-2"}, "quantity": "1"}]),
        order_body(external_id="B-1"),
    ]

    response = manager_api.post("/api/v1/orders/bulk/", {"orders": batch}, format="json")

    assert response.status_code == 200, response.json()
    results = response.json()["results"]
    assert [(r["index"], r["status"]) for r in results] == [
        (0, "created"),
        (1, "rejected"),
        (2, "created"),
        (3, "rejected"),
    ]
    assert "kind" in results[1]["errors"]
    assert "already exists" in results[3]["errors"]["external_id"][0]
    assert results[0]["order"]["external_id"] == "B-1"
    assert sorted(Order.objects.values_list("external_id", flat=True)) == ["B-1", "B-3"]


def test_a_batch_over_1000_or_empty_is_422(manager_api):
    too_many = manager_api.post("/api/v1/orders/bulk/", {"orders": [{}] * 1001}, format="json")
    empty = manager_api.post("/api/v1/orders/bulk/", {"orders": []}, format="json")

    assert_problem(too_many, 422, orders="1000")
    assert_problem(empty, 422, orders="")
    assert Order.objects.count() == 0
