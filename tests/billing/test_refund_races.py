"""One refund action, one refund: at the gateway and in our books, however often it arrives.

The thread race runs on PostgreSQL (the CI's second run); the plain tests run everywhere.
"""

import re
import uuid
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection

from billing.services import online_payment_start, online_payment_sync, refund_issue
from customers.models import LedgerEntry
from orders.models import OrderEvent, Payment, Refund
from orders.services import payment_record
from tests.races import race

ROUNDS = 10
THREADS = 4


def _card_payment(order, gateway, manager) -> Payment:
    attempt = online_payment_start(order=order, by=manager)
    gateway.complete(attempt.provider_payment_id, notify=False)
    online_payment_sync(attempt)
    return Payment.objects.get(order=order)


@pytest.mark.django_db
def test_one_key_twice_is_one_refund_at_the_gateway_and_here(
    order_at_payment, fake_gateway, manager_user
):
    payment = _card_payment(order_at_payment(percent="100"), fake_gateway, manager_user)
    key = uuid.uuid4()

    first = refund_issue(
        payment=payment,
        amount="500.00",
        reason="Chair missing",
        by=manager_user,
        idempotence_key=key,
    )
    entries = LedgerEntry.objects.count()
    again = refund_issue(
        payment=payment,
        amount="500.00",
        reason="Chair missing",
        by=manager_user,
        idempotence_key=key,
    )

    assert again.pk == first.pk
    assert first.idempotence_key == key
    assert Refund.objects.count() == 1
    assert list(fake_gateway.refunds) == [first.provider_reference]
    assert LedgerEntry.objects.count() == entries
    assert OrderEvent.objects.filter(action="payment_refunded").count() == 1


@pytest.mark.django_db
def test_two_actions_are_two_refunds_each_under_its_own_key(
    order_at_payment, fake_gateway, manager_user
):
    payment = _card_payment(order_at_payment(percent="100"), fake_gateway, manager_user)

    first = refund_issue(payment=payment, amount="100.00", reason="One", by=manager_user)
    second = refund_issue(payment=payment, amount="200.00", reason="Two", by=manager_user)

    assert first.idempotence_key != second.idempotence_key
    assert sorted(refund.amount for refund in Refund.objects.all()) == [
        Decimal("100.00"),
        Decimal("200.00"),
    ]
    assert sorted(fake_gateway.refunds) == sorted(
        [first.provider_reference, second.provider_reference]
    )
    gateway_payment = fake_gateway.payments[payment.reference.split(":", 1)[1]]
    assert gateway_payment["refunded_amount"]["value"] == "300.00"


@pytest.fixture
def manager_client(client, manager_user):
    client.force_login(manager_user)
    return client


def _refund_key(page: str) -> str:
    found = re.search(r'name="refund-idempotence_key" value="([0-9a-f-]{36})"', page)
    assert found, "the refund form carries no key"
    return found.group(1)


@pytest.mark.django_db
def test_a_double_click_on_the_refund_form_refunds_once(
    manager_client, order_at_payment, manager_user
):
    order = order_at_payment(percent="50")
    payment = payment_record(order=order, amount="1000.00", reference="BANK-1", by=manager_user)
    page = manager_client.get(f"/manager/orders/{order.pk}/").content.decode()
    key = _refund_key(page)
    form = {
        "refund-payment": payment.pk,
        "refund-amount": "99.50",
        "refund-reason": "Переплата",
        "refund-idempotence_key": key,
    }

    first = manager_client.post(f"/manager/orders/{order.pk}/refunds/", form)
    second = manager_client.post(f"/manager/orders/{order.pk}/refunds/", form)

    assert (first.status_code, second.status_code) == (302, 302)
    refund = Refund.objects.get()
    assert (refund.amount, str(refund.idempotence_key)) == (Decimal("99.50"), key)
    assert OrderEvent.objects.filter(order=order, action="payment_refunded").count() == 1
    # The page shown after the refund offers a new action.
    assert _refund_key(manager_client.get(f"/manager/orders/{order.pk}/").content.decode()) != key


@pytest.mark.django_db
def test_a_refund_form_without_a_key_is_refunded_and_an_error_keeps_its_key(
    manager_client, order_at_payment, manager_user
):
    order = order_at_payment(percent="50")
    payment = payment_record(order=order, amount="100.00", reference="BANK-1", by=manager_user)
    url = f"/manager/orders/{order.pk}/refunds/"
    key = str(uuid.uuid4())

    refused = manager_client.post(
        url,
        {
            "refund-payment": payment.pk,
            "refund-amount": "100.01",
            "refund-reason": "x",
            "refund-idempotence_key": key,
        },
    )
    kept = _refund_key(refused.content.decode())
    keyless = manager_client.post(
        url, {"refund-payment": payment.pk, "refund-amount": "10.00", "refund-reason": "x"}
    )

    assert kept == key
    assert keyless.status_code == 302
    refund = Refund.objects.get()
    assert refund.amount == Decimal("10.00")
    assert refund.idempotence_key is not None


# Threads on PostgreSQL.


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("role_groups")
def test_racing_copies_of_one_refund_action_make_one_refund(
    order_at_payment, fake_gateway, manager_user
):
    if connection.vendor != "postgresql":
        pytest.skip("row-lock races are measured on PostgreSQL (the CI's second run)")
    outcomes = Counter()
    recorded = Counter()
    at_gateway = Counter()
    answers = Counter()
    for _round in range(ROUNDS):
        payment = _card_payment(order_at_payment(percent="100"), fake_gateway, manager_user)
        gateway_before = len(fake_gateway.refunds)
        key = uuid.uuid4()

        results = race(
            THREADS,
            lambda _index, payment=payment, key=key: refund_issue(
                payment=payment,
                amount="500.00",
                reason="Double click",
                by=manager_user,
                idempotence_key=key,
            ),
        )

        outcomes.update(type(result).__name__ for result in results)
        recorded[Refund.objects.filter(payment=payment).count()] += 1
        at_gateway[len(fake_gateway.refunds) - gateway_before] += 1
        answers[len({getattr(result, "pk", repr(result)) for result in results})] += 1

    assert recorded == {1: ROUNDS}, (recorded, at_gateway, outcomes)
    assert at_gateway == {1: ROUNDS}
    assert answers == {1: ROUNDS}
    assert outcomes == {"Refund": ROUNDS * THREADS}
    assert OrderEvent.objects.filter(action="payment_refunded").count() == ROUNDS
