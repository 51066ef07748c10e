"""A client downloads the quote PDF, then pays by card on the (fake) gateway's page."""

import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from billing.demo import seed_company
from billing.gateway.fake import FakeGateway
from orders.lifecycle import OrderKind, State
from orders.models import Order, Payment
from orders.services import (
    LineInput,
    contract_mark_signed,
    order_create,
    order_transition,
    quote_accept,
    quote_send,
)
from tests.catalog.factories import ItemFactory
from tests.e2e.test_client_orders import _log_in
from tests.factories import ContactFactory, UserFactory
from tests.orders.factories import WorkflowFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("role_groups"),
]


@pytest.fixture
def gateway(settings, live_server, tmp_path):
    fake = FakeGateway(
        shop_id="shop-e2e",
        secret_key="key-e2e",
        notify_url=f"{live_server.url}/billing/yookassa/notifications/",
    ).start()
    settings.PAYMENT_GATEWAY_URL = fake.api_url
    settings.PAYMENT_GATEWAY_SHOP_ID = "shop-e2e"
    settings.PAYMENT_GATEWAY_SECRET_KEY = "key-e2e"
    settings.SITE_URL = live_server.url
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    yield fake
    fake.stop()


def test_client_downloads_the_quote_and_pays_the_prepayment_by_card(
    page, live_server, gateway, tmp_path
):
    seed_company()
    contact = ContactFactory(user__username="olga", customer__name="ООО «Ромашка»")
    manager = UserFactory(role="manager")
    wardrobe = ItemFactory(name="Шкаф-купе", price=Decimal("50000.00"))
    # For this category: more specific than any workflow the migrations seeded.
    WorkflowFactory(
        kind=OrderKind.PRODUCT, category=wardrobe.category, prepayment_percent=Decimal("30")
    )
    order = order_create(
        customer=contact.customer,
        kind=OrderKind.PRODUCT,
        channel="portal",
        by=contact.user,
        lines=[LineInput(item=wardrobe, quantity=1)],
    )
    assert order.prepayment_percent == Decimal("30")
    order = order_transition(order=order, transition="start_quote", by=manager)
    quote = quote_send(quote=order.quotes.get(), by=manager, valid_until=date(2999, 1, 1))
    quote_accept(quote=quote, by=contact.user)
    order = order_transition(
        order=Order.objects.get(pk=order.pk), transition="prepare_contract", by=manager
    )
    order = contract_mark_signed(order=order, by=manager)
    order_transition(order=order, transition="request_payment", by=manager)

    _log_in(page, live_server, "olga")
    page.goto(f"{live_server.url}/client/orders/{order.pk}/")
    with page.expect_download() as download_info:
        page.get_by_test_id("document-quote-1").click()
    pdf = tmp_path / "quote.pdf"
    download_info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
        ).stdout
        assert order.number in text
        assert "Пятьдесят тысяч рублей 00 копеек" in text

    # 30% of 50 000: the agreed prepayment, not the whole order.
    expect(page.get_by_test_id("due-now")).to_have_text(re.compile(r"15\s000,00"))
    page.get_by_test_id("pay-card").click()
    expect(page.locator("#amount")).to_have_text("15000.00 RUB")
    page.get_by_role("button", name="Pay 15000.00 RUB").click()

    expect(page).to_have_url(f"{live_server.url}/client/orders/{order.pk}/")
    expect(page.locator(".alert-success")).to_contain_text("Спасибо")
    expect(page.get_by_test_id("order-state")).to_have_text("Производство / комплектация")
    payment = Payment.objects.get(order=order)
    assert (payment.amount, payment.method) == (Decimal("15000.00"), Payment.Method.CARD)
    assert Order.objects.get(pk=order.pk).state == State.PRODUCTION
    # The gateway's own notification arrived too, and was recognised as the same payment.
    assert gateway.notifications_sent[0]["event"] == "payment.succeeded"
