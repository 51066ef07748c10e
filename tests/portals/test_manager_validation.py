"""The manager's order page refuses what makes no sense, says why on the field, and changes
nothing; money before the payment stage is recorded once the manager confirms the advance."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from accounts.roles import Role
from billing.models import Document
from customers.models import LedgerEntry
from orders.lifecycle import State
from orders.models import Order, OrderEvent, Payment
from orders.services import contract_mark_signed
from tests.factories import UserFactory
from tests.orders.factories import OrderFactory, WorkflowFactory

pytestmark = pytest.mark.django_db

YESTERDAY = timezone.localdate() - timedelta(days=1)


@pytest.fixture
def manager():
    return UserFactory(role=Role.MANAGER)


@pytest.fixture
def browser(manager):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(manager)
    return client


def _page(order):
    return f"/manager/orders/{order.pk}/"


def _pay(browser, order, **fields):
    data = {"payment-amount": "400.00", "payment-method": "bank_transfer", **fields}
    return browser.post(f"/manager/orders/{order.pk}/payments/", data)


ADVANCE_REFUSAL = (
    "The order is at the “Quote” stage, before payment: the money will be kept as "
    "an advance for this order. Tick “Record as an advance” to record it."
)


def test_before_the_payment_stage_the_form_asks_to_confirm_an_advance(browser):
    order = OrderFactory(state=State.QUOTE, workflow=WorkflowFactory())

    page = browser.get(_page(order)).content.decode()
    refused = _pay(browser, order)

    assert 'name="payment-advance"' in page
    assert "The order is at the “Quote” stage, before payment." in page
    assert refused.status_code == 200
    assert refused.context["payment_form"].errors == {"advance": [ADVANCE_REFUSAL]}
    html = refused.content.decode()
    checkbox = html[
        html.index('name="payment-advance"') - 200 : html.index('id="id_payment-advance"')
    ]
    assert "is-invalid" in checkbox
    assert not Payment.objects.exists()
    assert not LedgerEntry.objects.exists()
    assert not OrderEvent.objects.exists()


def test_a_confirmed_advance_is_recorded_said_so_and_labelled_on_the_timeline(browser):
    order = OrderFactory(state=State.QUOTE, workflow=WorkflowFactory(), total=Decimal("300.00"))

    response = _pay(browser, order, **{"payment-advance": "on"})

    assert response.status_code == 302
    page = browser.get(response.url)
    [message] = [str(m) for m in page.context["messages"]]
    assert message == (
        f"Recorded as an advance for order {order.number}: it counts towards its total. "
        "100.00 of it is more than the order costs now: it shows on the customer's "
        "balance and goes to the order when its total is set or grows."
    )
    event = OrderEvent.objects.get(order=order, action="payment_recorded")
    assert event.payload["advance"] is True
    assert [entry.title for entry in page.context["timeline"]] == ["Advance payment received"]
    assert Order.objects.get(pk=order.pk).state == State.QUOTE


def test_at_the_payment_stage_there_is_nothing_to_confirm(browser):
    order = OrderFactory(state=State.PAYMENT, workflow=WorkflowFactory(prepayment_percent=50))

    page = browser.get(_page(order)).content.decode()
    response = _pay(browser, order)

    assert 'name="payment-advance"' not in page
    assert response.status_code == 302
    assert "advance" not in OrderEvent.objects.get(action="payment_recorded").payload
    follow = browser.get(response.url)
    assert [str(m) for m in follow.context["messages"]] == ["The payment is recorded."]
    assert [entry.title for entry in follow.context["timeline"]] == ["Payment received"]


def test_the_signed_contract_form_is_gone_once_signed_and_a_second_post_is_refused(
    browser, manager
):
    order = OrderFactory(state=State.CONTRACT, workflow=WorkflowFactory())
    before = browser.get(_page(order)).content.decode()
    contract_mark_signed(order=order, by=manager)

    after = browser.get(_page(order)).content.decode()
    again = browser.post(
        f"/manager/orders/{order.pk}/contract-signed/",
        {"contract-file": SimpleUploadedFile("scan.pdf", b"%PDF-1.4 again")},
        follow=True,
    )

    assert 'data-testid="contract-form"' in before
    assert 'data-testid="contract-form"' not in after
    assert 'data-testid="contract-signed-on"' in after
    [message] = [str(m) for m in again.context["messages"]]
    assert message.startswith("The contract is already marked signed on ")
    assert OrderEvent.objects.filter(order=order, action="contract_signed").count() == 1
    assert not Document.objects.exists()


def test_a_text_file_named_pdf_is_refused_on_the_file_field(browser, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    order = OrderFactory(state=State.CONTRACT, workflow=WorkflowFactory())

    response = browser.post(
        f"/manager/orders/{order.pk}/contract-signed/",
        {"contract-file": SimpleUploadedFile("fake.pdf", b"hello world!")},
    )

    assert response.context["contract_form"].errors == {
        "file": ["The file is not a real PDF, JPG or PNG, whatever its name says."]
    }
    assert Order.objects.get(pk=order.pk).contract_signed_at is None
    assert not OrderEvent.objects.exists()
    assert not Document.objects.exists()


def test_an_expected_delivery_in_the_past_is_flashed_and_nothing_changes(browser):
    order = OrderFactory(state=State.DELIVERY)

    response = browser.post(
        f"/manager/orders/{order.pk}/delivery/",
        {"carrier": "СДЭК", "expected_date": YESTERDAY.isoformat()},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        f"Expected delivery: The expected delivery date {YESTERDAY:%d.%m.%Y} is in the past; "
        "choose today or a later date."
    ]
    order.refresh_from_db()
    assert (order.carrier, order.expected_delivery_date) == ("", None)
    assert not OrderEvent.objects.exists()


def test_an_invoice_due_in_the_past_comes_back_with_the_field_marked(browser):
    order = OrderFactory(state=State.PAYMENT, workflow=WorkflowFactory())

    response = browser.post(
        f"/manager/orders/{order.pk}/invoices/",
        {"invoice-kind": "final", "invoice-due_date": YESTERDAY.isoformat()},
    )

    assert response.context["invoice_form"].errors == {
        "due_date": [
            f"The pay-by date {YESTERDAY:%d.%m.%Y} is in the past; choose today or a later date."
        ]
    }
    assert not order.invoices.exists()
    assert not OrderEvent.objects.exists()
