"""An order's email says how it is delivered, where, and when the service is."""

from datetime import date

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from orders.models import Order
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def test_the_email_names_the_delivery_method_address_and_service():
    order = OrderFactory(
        delivery_method=Order.DeliveryMethod.CARRIER,
        delivery_address="Казань, ул. Баумана, 1",
        service_date=date(2027, 3, 1),
        service_place="Офис клиента",
    )

    with translation.override("ru"):
        text = render_to_string(
            "notifications/email/message.txt", {"order": order, "headline": "", "url": "/"}
        )
        html = render_to_string(
            "notifications/email/message.html", {"order": order, "headline": "", "url": "/"}
        )

    for body in (text, html):
        assert "Казань, ул. Баумана, 1" in body
        # Labelled as on the order's page: "Service" alone read as the catalog's kind.
        assert "Дата сервиса: 01.03.2027" in body
        assert "Место сервиса: Офис клиента" in body
    assert "Способ доставки:" in text
