"""Card payments through the fake YooKassa: the real HTTP protocol, a local server."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from billing.models import GatewayNotification, OnlinePayment
from billing.services import PaymentUnavailableError, online_payment_start, refund_issue
from customers.models import LedgerEntry
from customers.selectors import customer_balance
from orders.lifecycle import State
from orders.models import Invoice, Order, Payment
from orders.services import invoice_issue

pytestmark = pytest.mark.django_db

WEBHOOK = "/billing/yookassa/notifications/"


def _pay(client, order, **data):
    return client.post(reverse("billing:pay", args=[order.pk]), data)


def _notify(client, body):
    return client.post(WEBHOOK, json.dumps(body), content_type="application/json")


def test_a_card_payment_moves_the_order_out_of_payment(
    client, client_contact, order_at_payment, fake_gateway
):
    order = order_at_payment(percent="50")
    client.force_login(client_contact.user)

    response = _pay(client, order)

    attempt = OnlinePayment.objects.get(order=order)
    assert response.status_code == 302
    assert response.url == attempt.confirmation_url
    assert response.url.startswith(fake_gateway.base_url + "/checkout/")
    assert attempt.amount == order.prepayment_due() == Decimal("9500.50")
    # The payer pays on the gateway's page; the gateway then notifies the shop.
    paid = fake_gateway.complete(attempt.provider_payment_id, notify=False)

    answer = _notify(client, {"type": "notification", "event": "payment.succeeded", "object": paid})

    assert answer.status_code == 200
    order.refresh_from_db()
    assert order.state == State.PRODUCTION
    payment = order.payments.get()
    assert (payment.method, payment.provider, payment.amount) == (
        Payment.Method.CARD,
        "yookassa",
        Decimal("9500.50"),
    )
    assert payment.reference == f"yookassa:{attempt.provider_payment_id}"
    assert GatewayNotification.objects.get().outcome == GatewayNotification.Outcome.RECORDED


def test_a_replayed_notification_records_nothing_new(
    client, client_contact, order_at_payment, fake_gateway
):
    order = order_at_payment()
    client.force_login(client_contact.user)
    _pay(client, order)
    attempt = OnlinePayment.objects.get(order=order)
    paid = fake_gateway.complete(attempt.provider_payment_id, notify=False)
    body = {"type": "notification", "event": "payment.succeeded", "object": paid}

    first, second = _notify(client, body), _notify(client, body)

    assert (first.status_code, second.status_code) == (200, 200)
    assert Payment.objects.filter(order=order).count() == 1
    assert order.events.filter(action="payment_recorded").count() == 1
    assert list(GatewayNotification.objects.order_by("id").values_list("outcome", flat=True)) == [
        GatewayNotification.Outcome.RECORDED,
        GatewayNotification.Outcome.DUPLICATE,
    ]


def test_a_forged_notification_changes_nothing_and_is_logged(
    client, client_contact, order_at_payment, fake_gateway, caplog
):
    order = order_at_payment()
    client.force_login(client_contact.user)
    _pay(client, order)
    attempt = OnlinePayment.objects.get(order=order)
    claimed = {
        "id": attempt.provider_payment_id,
        "status": "succeeded",
        "paid": True,
        "amount": {"value": str(attempt.amount), "currency": "RUB"},
    }

    # The payer never paid: the gateway still says "pending".
    forged = _notify(
        client, {"type": "notification", "event": "payment.succeeded", "object": claimed}
    )
    unknown = _notify(
        client,
        {"type": "notification", "event": "payment.succeeded", "object": {**claimed, "id": "x1"}},
    )
    garbage = client.post(WEBHOOK, b"not json", content_type="application/json")

    assert (forged.status_code, unknown.status_code, garbage.status_code) == (400, 400, 400)
    assert not Payment.objects.exists()
    assert Order.objects.get(pk=order.pk).state == State.PAYMENT
    assert OnlinePayment.objects.get().status == OnlinePayment.Status.PENDING
    outcomes = list(GatewayNotification.objects.order_by("id").values_list("outcome", "detail"))
    assert outcomes == [
        ("rejected", "claims payment.succeeded, the gateway says pending"),
        ("rejected", "no payment of ours has this id"),
        ("malformed", "not a notification"),
    ]
    assert "rejected" in caplog.text


def test_returning_from_the_gateway_records_the_payment_without_waiting_for_the_notification(
    client, client_contact, order_at_payment, fake_gateway
):
    order = order_at_payment(percent="100")
    client.force_login(client_contact.user)
    _pay(client, order)
    attempt = OnlinePayment.objects.get(order=order)
    fake_gateway.complete(attempt.provider_payment_id, notify=False)

    response = client.get(reverse("billing:online_return", args=[attempt.pk]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("portals_client:order_page", args=[order.pk])
    assert "Thank you: the payment is received." in response.content.decode()
    assert Order.objects.get(pk=order.pk).state == State.PRODUCTION


def test_a_cancelled_payment_records_nothing(
    client, client_contact, order_at_payment, fake_gateway
):
    order = order_at_payment()
    client.force_login(client_contact.user)
    _pay(client, order)
    attempt = OnlinePayment.objects.get(order=order)
    cancelled = fake_gateway.complete(attempt.provider_payment_id, succeed=False, notify=False)

    answer = _notify(
        client, {"type": "notification", "event": "payment.canceled", "object": cancelled}
    )

    assert answer.status_code == 200
    assert OnlinePayment.objects.get().status == OnlinePayment.Status.CANCELED
    assert not Payment.objects.exists()


def test_paying_an_invoice_online_pays_that_invoice(
    client, client_contact, order_at_payment, fake_gateway, manager_user
):
    order = order_at_payment(percent="50")
    invoice = invoice_issue(order=order, kind=Invoice.Kind.PREPAYMENT, by=manager_user)
    client.force_login(client_contact.user)

    _pay(client, order, invoice=invoice.pk)
    attempt = OnlinePayment.objects.get()
    fake_gateway.complete(attempt.provider_payment_id, notify=False)
    client.get(reverse("billing:online_return", args=[attempt.pk]))

    invoice.refresh_from_db()
    assert attempt.amount == invoice.amount
    assert invoice.status == Invoice.Status.PAID
    assert Payment.objects.get().invoice == invoice


def test_another_clients_order_cannot_be_paid_here(
    client, order_at_payment, fake_gateway, client_user
):
    order = order_at_payment()
    client.force_login(client_user)

    assert _pay(client, order).status_code == 404
    assert not OnlinePayment.objects.exists()


def test_an_unreachable_gateway_is_a_clear_message_and_charges_nothing(
    client, client_contact, order_at_payment, settings
):
    settings.PAYMENT_GATEWAY_URL = "http://127.0.0.1:9/v3"  # nothing listens on discard
    order = order_at_payment()
    client.force_login(client_contact.user)

    response = _pay(client, order)

    assert response.status_code == 302
    assert response.url == reverse("portals_client:order_page", args=[order.pk])
    page = client.get(response.url).content.decode()
    assert "Online payment is unavailable right now" in page
    assert OnlinePayment.objects.get().status == OnlinePayment.Status.CANCELED
    with pytest.raises(PaymentUnavailableError):
        online_payment_start(order=order, by=client_contact.user)


def test_a_card_refund_goes_back_through_the_gateway_and_reverses_the_overpayment(
    client, client_contact, order_at_payment, fake_gateway, manager_user
):
    order = order_at_payment(percent="100")
    client.force_login(client_contact.user)
    _pay(client, order)
    attempt = OnlinePayment.objects.get()
    fake_gateway.complete(attempt.provider_payment_id, notify=False)
    client.get(reverse("billing:online_return", args=[attempt.pk]))
    payment = Payment.objects.get()

    refund = refund_issue(payment=payment, amount="500.00", reason="Chair missing", by=manager_user)

    assert refund.provider_reference in fake_gateway.refunds
    assert (
        fake_gateway.payments[attempt.provider_payment_id]["refunded_amount"]["value"] == "500.00"
    )
    assert Order.objects.get(pk=order.pk).amount_paid() == order.total - Decimal("500.00")
    assert customer_balance(customer=order.customer, account=LedgerEntry.Account.MONEY) == Decimal(
        "0.00"
    )
