from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation

from billing.gateway.fake import FakeGateway
from billing.models import CompanyProfile
from customers.models import Customer
from orders.lifecycle import OrderKind, State
from orders.models import Order
from orders.services import LineInput, order_create
from tests.catalog.factories import ItemFactory
from tests.factories import ContactFactory
from tests.orders.factories import WorkflowFactory


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def client(db):
    """Pages in English, as the messages are asserted in their source language."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def company(db):
    return CompanyProfile.objects.create(
        name="ООО «Ромашка»",
        inn="7707083893",
        kpp="773601001",
        address="г. Москва, ул. Лесная, д. 1",
        bank_name="ПАО Сбербанк",
        bik="044525225",
        bank_account="40702810938000000001",
        correspondent_account="30101810400000000225",
        director="Иванов И. И.",
        accountant="Петрова А. А.",
    )


@pytest.fixture
def fake_gateway(settings):
    gateway = FakeGateway(shop_id="shop-1", secret_key="key-1").start()
    settings.PAYMENT_GATEWAY_URL = gateway.api_url
    settings.PAYMENT_GATEWAY_SHOP_ID = "shop-1"
    settings.PAYMENT_GATEWAY_SECRET_KEY = "key-1"
    yield gateway
    gateway.stop()


@pytest.fixture
def client_contact(db):
    return ContactFactory(
        name="Сидоров Пётр", customer__name="ООО «Василёк»", customer__kind=Customer.Kind.COMPANY
    )


@pytest.fixture
def order_at_payment(client_contact):
    """A real order (lines through the service) waiting for payment on 50% prepayment terms."""

    def make(percent="50", customer=None):
        workflow = WorkflowFactory(
            uses_quote=False, uses_contract=False, prepayment_percent=Decimal(percent)
        )
        items = [
            ItemFactory(name="Стол письменный", price=Decimal("12000.00"), vat_rate=20),
            ItemFactory(name="Стул офисный", price=Decimal("3500.50"), vat_rate=20),
        ]
        order = order_create(
            customer=customer or client_contact.customer,
            kind=OrderKind.PRODUCT,
            lines=[LineInput(items[0], 1), LineInput(items[1], 2)],
            by=None,
            channel=Order.Channel.MANAGER,
        )
        Order.objects.filter(pk=order.pk).update(
            state=State.PAYMENT, workflow=workflow, prepayment_percent=Decimal(percent)
        )
        return Order.objects.get(pk=order.pk)

    return make
