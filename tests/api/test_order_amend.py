"""POST /orders/{id}/amend/: new lines, back to quoting, once per Idempotency-Key."""

from decimal import Decimal

import pytest

from accounts.roles import Role
from orders.lifecycle import State
from orders.models import Order, OrderEvent
from orders.services import (
    LineInput,
    contract_mark_signed,
    order_create,
    order_transition,
    payment_record,
    quote_accept,
    quote_send,
)
from tests.catalog.factories import ItemFactory
from tests.factories import ContactFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_in_production():
    """A prepaid order of one 28,000 table, paid and in production."""
    manager = UserFactory(role=Role.MANAGER)
    contact = ContactFactory()
    table = ItemFactory(name="Стол", price=Decimal("28000.00"))
    order = order_create(
        customer=contact.customer,
        contact=contact,
        kind="product",
        channel="phone",
        by=manager,
        lines=[LineInput(table, 1)],
    )
    order = order_transition(order=order, transition="start_quote", by=manager)
    quote = order.quotes.get()
    quote_send(quote=quote, by=manager)
    quote_accept(quote=quote, by=manager)
    order = order_transition(
        order=Order.objects.get(pk=order.pk), transition="prepare_contract", by=manager
    )
    contract_mark_signed(order=order, by=manager)
    order = order_transition(
        order=Order.objects.get(pk=order.pk), transition="request_payment", by=manager
    )
    payment_record(order=order, amount=Decimal("28000.00"), by=manager, reference="pp-1")
    order = Order.objects.get(pk=order.pk)
    assert order.state == State.PRODUCTION
    return order, table


def test_amending_in_production_adds_volume_and_the_difference_is_outstanding(
    manager_api, paid_in_production
):
    order, table = paid_in_production
    body = {
        "lines": [
            {"item": {"id": table.pk}, "quantity": "2"},
            {"name": "Доставка", "quantity": "1", "price": "3000.00", "vat_rate": 20},
        ],
        "note": "Увеличение объёма",
    }

    first = manager_api.post(
        f"/api/v1/orders/{order.pk}/amend/", body, format="json", HTTP_IDEMPOTENCY_KEY="amend-1"
    )
    again = manager_api.post(
        f"/api/v1/orders/{order.pk}/amend/", body, format="json", HTTP_IDEMPOTENCY_KEY="amend-1"
    )

    assert first.status_code == 200
    assert first.json()["state"] == "quote"
    assert first.json()["total"] == "59000.00"
    assert again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert OrderEvent.objects.filter(order=order, action="amend").count() == 1
    assert first.json()["quotes"][0]["status"] == "draft"
    order.refresh_from_db()
    assert order.amount_paid() == Decimal("28000.00")
    assert order.total - order.amount_paid() == Decimal("31000.00")


def test_amending_a_closed_order_is_409_and_changes_nothing(manager_api, paid_in_production):
    order, table = paid_in_production
    Order.objects.filter(pk=order.pk).update(state=State.CLOSED)

    response = manager_api.post(
        f"/api/v1/orders/{order.pk}/amend/",
        {"lines": [{"item": {"id": table.pk}, "quantity": "5"}]},
        format="json",
    )

    assert response.status_code == 409
    order.refresh_from_db()
    assert order.total == Decimal("28000.00")
    assert list(order.lines.values_list("quantity", flat=True)) == [Decimal("1.000")]


def test_bad_lines_are_422_naming_the_line(manager_api, paid_in_production):
    order, _table = paid_in_production

    response = manager_api.post(
        f"/api/v1/orders/{order.pk}/amend/",
        {"lines": [{"name": "", "quantity": "1", "price": "10"}]},
        format="json",
    )

    assert response.status_code == 422
    assert "lines" in str(response.json())
    assert Order.objects.get(pk=order.pk).state == State.PRODUCTION


@pytest.mark.parametrize("path", ["amend/", None])
def test_an_item_id_beyond_any_key_is_422_naming_it(manager_api, paid_in_production, path):
    order, _table = paid_in_production
    line = {"item": {"id": 10**20}, "quantity": "1"}
    url = f"/api/v1/orders/{order.pk}/{path}" if path else "/api/v1/orders/"
    body = {"lines": [line]}
    if path is None:
        body.update(kind="product", customer={"id": order.customer_id})

    response = manager_api.post(url, body, format="json")

    assert response.status_code in (400, 422)
    assert "lines" in str(response.json())
    assert Order.objects.get(pk=order.pk).state == State.PRODUCTION
