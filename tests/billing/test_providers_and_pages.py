"""The payment choices on the order pages, and the money forms of the manager's page."""

from decimal import Decimal

import pytest
from django.urls import reverse

from customers.models import LedgerEntry
from customers.selectors import customer_balance
from orders.lifecycle import State
from orders.models import Invoice, Order, Payment, Refund
from orders.services import invoice_issue, payment_record
from tests.factories import LedgerEntryFactory

pytestmark = pytest.mark.django_db


def _client_page(client, order):
    return client.get(reverse("portals_client:order_page", args=[order.pk])).content.decode()


def test_bank_transfer_sends_the_client_to_the_invoice_pdf(
    client, client_contact, order_at_payment, company, manager_user, fake_gateway
):
    order = order_at_payment()
    invoice = invoice_issue(order=order, kind=Invoice.Kind.PREPAYMENT, by=manager_user)
    client.force_login(client_contact.user)

    page = _client_page(client, order)
    response = client.post(reverse("billing:pay", args=[order.pk]), {"provider": "bank_transfer"})

    assert 'data-testid="pay-card"' in page
    assert 'data-testid="pay-bank_transfer"' in page
    assert response.url == reverse("billing:document", args=[order.pk, f"invoice-{invoice.pk}"])
    assert (
        client.post(reverse("billing:pay", args=[order.pk]), {"provider": "x"}).status_code == 404
    )


def test_without_a_gateway_or_an_invoice_no_payment_buttons_are_offered(
    client, client_contact, order_at_payment, settings
):
    settings.PAYMENT_GATEWAY_URL = ""
    order = order_at_payment()
    client.force_login(client_contact.user)

    page = _client_page(client, order)

    assert 'data-testid="due-now"' in page
    assert 'data-testid="pay-card"' not in page
    assert 'data-testid="pay-bank_transfer"' not in page


def test_the_client_pays_with_balance_and_bonus_points_where_allowed(
    client, client_contact, order_at_payment
):
    order = order_at_payment(percent="100")
    order.workflow.allow_bonus_payment = True
    order.workflow.save()
    customer = client_contact.customer
    LedgerEntryFactory(customer=customer, amount=Decimal("1000.00"))
    LedgerEntryFactory(
        customer=customer,
        account=LedgerEntry.Account.BONUS,
        kind=LedgerEntry.Kind.BONUS_ACCRUAL,
        amount=Decimal("500.00"),
    )
    client.force_login(client_contact.user)
    page = _client_page(client, order)
    assert "Pay 1 000,00 from balance" in page or "Pay 1,000.00 from balance" in page

    url = reverse("portals_client:order_pay_from_balance", args=[order.pk])
    paid = client.post(url, follow=True, HTTP_ACCEPT_LANGUAGE="ru")
    client.post(url, {"method": "bonus"})

    # The flash prints money as the page does, not as Python does.
    assert "С баланса оплачено 1\xa0000,00." in paid.content.decode()

    methods = sorted(Payment.objects.filter(order=order).values_list("method", "amount"))
    assert methods == [
        (Payment.Method.BALANCE, Decimal("1000.00")),
        (Payment.Method.BONUS, Decimal("500.00")),
    ]
    assert customer_balance(customer=customer, account=LedgerEntry.Account.MONEY) == Decimal("0.00")
    assert customer_balance(customer=customer, account=LedgerEntry.Account.BONUS) == Decimal("0.00")
    assert Order.objects.get(pk=order.pk).state == State.PAYMENT  # 17,501.00 still due


def test_another_client_cannot_pay_from_their_balance_here(client, client_user, order_at_payment):
    order = order_at_payment()
    LedgerEntryFactory(customer=client_user.contact.customer, amount=Decimal("99999.00"))
    client.force_login(client_user)

    response = client.post(reverse("portals_client:order_pay_from_balance", args=[order.pk]))

    assert response.status_code == 404
    assert not Payment.objects.exists()


@pytest.fixture
def manager_client(client, manager_user):
    client.force_login(manager_user)
    return client


def test_the_manager_issues_an_invoice_records_a_payment_and_refunds_it(
    manager_client, order_at_payment, company
):
    order = order_at_payment(percent="50")
    base = f"/manager/orders/{order.pk}"

    manager_client.post(f"{base}/invoices/", {"invoice-kind": "prepayment"})
    invoice = Invoice.objects.get(order=order)
    manager_client.post(
        f"{base}/payments/",
        {
            "payment-amount": "9600.00",
            "payment-method": "bank_transfer",
            "payment-reference": "п/п 42",
            "payment-invoice": invoice.pk,
        },
    )
    payment = Payment.objects.get(order=order)
    page = manager_client.get(f"{base}/").content.decode()
    manager_client.post(
        f"{base}/refunds/",
        {"refund-payment": payment.pk, "refund-amount": "99.50", "refund-reason": "Переплата"},
    )

    assert invoice.amount == Decimal("9500.50")
    assert (payment.amount, payment.reference, payment.invoice) == (
        Decimal("9600.00"),
        "п/п 42",
        invoice,
    )
    assert Order.objects.get(pk=order.pk).state == State.PRODUCTION
    assert f"invoice-{invoice.pk}" in page
    refund = Refund.objects.get()
    assert (refund.amount, refund.reason) == (Decimal("99.50"), "Переплата")
    assert customer_balance(customer=order.customer, account=LedgerEntry.Account.MONEY) == Decimal(
        "0.00"
    )


def test_a_payment_form_with_a_missing_amount_comes_back_marked(manager_client, order_at_payment):
    order = order_at_payment()

    response = manager_client.post(
        f"/manager/orders/{order.pk}/payments/", {"payment-method": "cash"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="payment-amount"' in page
    assert "is-invalid" in page
    assert "This field is required." in page
    assert not Payment.objects.exists()


def test_a_refund_above_what_is_left_is_shown_on_the_form_and_changes_nothing(
    manager_client, order_at_payment
):
    order = order_at_payment()
    payment = payment_record(order=order, amount="100.00", reference="P1", by=None)

    response = manager_client.post(
        f"/manager/orders/{order.pk}/refunds/",
        {"refund-payment": payment.pk, "refund-amount": "100.01", "refund-reason": "x"},
    )

    assert response.status_code == 200
    assert "At most 100.00 is left to refund on this payment." in response.content.decode()
    assert not Refund.objects.exists()


def test_a_director_sees_the_money_but_cannot_change_it(client, make_staff, order_at_payment):
    order = order_at_payment()
    client.force_login(make_staff("director"))

    page = client.get(f"/manager/orders/{order.pk}/").content.decode()
    response = client.post(
        f"/manager/orders/{order.pk}/payments/",
        {"payment-amount": "10", "payment-method": "cash"},
    )

    assert 'data-testid="money"' in page
    assert 'data-testid="payment-form"' not in page
    assert response.status_code == 403
    assert not Payment.objects.exists()


def test_the_order_pages_cost_the_same_with_many_payments(
    manager_client, client, client_contact, order_at_payment, django_assert_max_num_queries
):
    order = order_at_payment(percent="100")
    for number in range(12):
        payment = payment_record(order=order, amount="10.00", reference=f"P{number}", by=None)
        Refund.objects.create(payment=payment, order=order, amount=Decimal("1"), reason="t")
        Invoice.objects.create(
            number=f"X-{number}", order=order, kind="final", amount=10, due_date="2030-01-01"
        )

    # Two more on the manager's page than on the client's: the tasks panel, and the
    # customer's other orders the details form offers as the related order.
    with django_assert_max_num_queries(18):
        assert manager_client.get(f"/manager/orders/{order.pk}/").status_code == 200
    client.force_login(client_contact.user)
    with django_assert_max_num_queries(16):
        assert client.get(f"/client/orders/{order.pk}/").status_code == 200


@pytest.mark.parametrize("invoice", ["abc", "99999", "1e3"])
def test_a_bad_invoice_id_is_404_not_an_error(client, client_contact, order_at_payment, invoice):
    order = order_at_payment()
    client.force_login(client_contact.user)

    response = client.post(reverse("billing:pay", args=[order.pk]), {"invoice": invoice})

    assert response.status_code == 404
