"""What a manager can trust: a contract signed once, no plans in the past, and money
received before the payment stage recorded as an advance of that order."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.roles import Role
from customers.models import LedgerEntry
from customers.selectors import customer_balance
from notifications.models import OutboxMessage
from orders.errors import OrderTransitionError, OrderValidationError
from orders.lifecycle import (
    OrderKind,
    PaymentTerms,
    State,
    is_before_payment_stage,
    stage_path,
)
from orders.models import Invoice, Order, OrderEvent, Payment
from orders.services import (
    LineInput,
    QuotePricing,
    contract_mark_signed,
    delivery_update,
    invoice_issue,
    order_amend,
    order_create,
    payment_record,
    payment_record_or_get,
    quote_price_draft,
    quote_send,
)
from tests.catalog.factories import ItemFactory
from tests.factories import CustomerFactory
from tests.orders.factories import OrderFactory, QuoteFactory, WorkflowFactory

pytestmark = pytest.mark.django_db

YESTERDAY = timezone.localdate() - timedelta(days=1)


@pytest.fixture
def manager(make_staff):
    return make_staff(Role.MANAGER)


def _nothing_written(order):
    assert not OrderEvent.objects.filter(order=order).exists()
    assert not OutboxMessage.objects.filter(aggregate_id=order.pk).exists()


# The contract is signed once


def test_a_second_signature_is_refused_and_records_nothing(manager):
    order = OrderFactory(state=State.CONTRACT)
    signed = contract_mark_signed(order=order, by=manager)

    with pytest.raises(OrderTransitionError) as refused:
        contract_mark_signed(order=order, by=manager)

    day = timezone.localtime(signed.contract_signed_at).strftime("%d.%m.%Y")
    assert refused.value.messages == [
        f"The contract is already marked signed on {day}; it is signed once."
    ]
    order.refresh_from_db()
    assert (order.contract_signed_at, order.version) == (signed.contract_signed_at, signed.version)
    assert OrderEvent.objects.filter(order=order, action="contract_signed").count() == 1


# Dates in the past


def _create(by, **kwargs):
    return order_create(
        customer=CustomerFactory(),
        kind=OrderKind.SERVICE,
        channel=Order.Channel.MANAGER,
        by=by,
        lines=[LineInput(item=ItemFactory(), quantity=1)],
        **kwargs,
    )


def test_a_person_may_not_place_an_order_for_a_service_day_gone(manager):
    with pytest.raises(OrderValidationError) as refused:
        _create(manager, service_date=YESTERDAY)

    assert refused.value.errors == {
        "service_date": [
            f"The service date {YESTERDAY:%d.%m.%Y} is in the past; choose today or a later date."
        ]
    }
    assert not Order.objects.exists()
    assert not OrderEvent.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_today_is_a_fine_service_date(manager):
    assert _create(manager, service_date=timezone.localdate()).service_date == (
        timezone.localdate()
    )


@pytest.mark.parametrize("source", ["system", "accounting"])
def test_facts_from_outside_keep_their_past_service_date(manager, source):
    by, external_id = (None, "") if source == "system" else (manager, "1C-000042")

    order = _create(by, service_date=YESTERDAY, external_id=external_id)

    assert order.service_date == YESTERDAY


def test_the_expected_delivery_may_not_be_moved_into_the_past(manager):
    tomorrow = timezone.localdate() + timedelta(days=1)
    order = OrderFactory(state=State.DELIVERY, expected_delivery_date=tomorrow)

    with pytest.raises(OrderValidationError) as refused:
        delivery_update(order=order, by=manager, expected_date=YESTERDAY, carrier="СДЭК")

    assert refused.value.errors == {
        "expected_date": [
            f"The expected delivery date {YESTERDAY:%d.%m.%Y} is in the past; "
            "choose today or a later date."
        ]
    }
    order.refresh_from_db()
    assert (order.expected_delivery_date, order.carrier) == (tomorrow, "")
    _nothing_written(order)


def test_a_late_delivery_keeps_its_passed_date_while_other_details_change(manager):
    order = OrderFactory(state=State.DELIVERY, expected_delivery_date=YESTERDAY)

    delivery_update(order=order, by=manager, expected_date=YESTERDAY, carrier="СДЭК")

    order.refresh_from_db()
    assert (order.expected_delivery_date, order.carrier) == (YESTERDAY, "СДЭК")


def test_the_system_records_the_expected_date_it_is_told():
    order = OrderFactory(state=State.DELIVERY)

    delivery_update(order=order, by=None, expected_date=YESTERDAY)

    assert Order.objects.get(pk=order.pk).expected_delivery_date == YESTERDAY


def test_an_invoice_may_not_be_due_in_the_past(manager):
    order = OrderFactory(state=State.PAYMENT)

    with pytest.raises(OrderValidationError) as refused:
        invoice_issue(order=order, kind=Invoice.Kind.FINAL, due_date=YESTERDAY, by=manager)

    assert refused.value.errors == {
        "due_date": [
            f"The pay-by date {YESTERDAY:%d.%m.%Y} is in the past; choose today or a later date."
        ]
    }
    assert not Invoice.objects.exists()
    _nothing_written(order)


def test_a_quote_may_not_be_valid_until_a_day_gone(manager):
    order = OrderFactory(state=State.QUOTE)
    draft = QuoteFactory(order=order)
    message = (
        f"The quote's validity date {YESTERDAY:%d.%m.%Y} is in the past; "
        "choose today or a later date."
    )

    with pytest.raises(OrderValidationError) as priced:
        quote_price_draft(quote=draft, pricing=QuotePricing(valid_until=YESTERDAY), by=manager)
    with pytest.raises(OrderValidationError) as sent:
        quote_send(quote=draft, by=manager, valid_until=YESTERDAY)

    assert priced.value.errors == sent.value.errors == {"valid_until": [message]}
    draft.refresh_from_db()
    assert (draft.status, draft.valid_until) == ("draft", None)
    _nothing_written(order)


# The payment stage and advances


@pytest.mark.parametrize(
    ("terms", "before", "after"),
    [
        (
            PaymentTerms.PREPAY,
            {State.REQUEST, State.QUOTE, State.CONTRACT},
            {State.PAYMENT, State.PRODUCTION, State.DELIVERY, State.CLOSED, State.SERVICE},
        ),
        (
            PaymentTerms.POSTPAY,
            {State.REQUEST, State.QUOTE, State.CONTRACT, State.PRODUCTION, State.DELIVERY},
            {State.PAYMENT, State.CLOSED, State.SERVICE},
        ),
    ],
)
def test_before_payment_is_read_from_the_stage_path_of_the_orders_terms(terms, before, after):
    path = stage_path(OrderKind.PRODUCT, terms)
    assert {State(stage) for stage in path} == before | after
    for state in before:
        assert is_before_payment_stage(
            Order(kind=OrderKind.PRODUCT, payment_terms=terms, state=state)
        )
    for state in [*after, State.CANCELLED]:
        assert not is_before_payment_stage(
            Order(kind=OrderKind.PRODUCT, payment_terms=terms, state=state)
        )


def test_support_tickets_have_no_payment_stage():
    for state in stage_path(OrderKind.SUPPORT, PaymentTerms.PREPAY):
        assert not is_before_payment_stage(
            Order(kind=OrderKind.SUPPORT, payment_terms=PaymentTerms.PREPAY, state=state)
        )


def test_money_before_the_payment_stage_is_an_advance_of_the_order(manager):
    order = OrderFactory(state=State.QUOTE, total=Decimal("1000.00"))

    payment, created = payment_record_or_get(order=order, amount="400.00", by=manager)

    assert created
    assert (payment.is_advance, payment.overpayment) == (True, Decimal("0.00"))
    event = OrderEvent.objects.get(order=order, action="payment_recorded")
    assert event.payload["advance"] is True
    order.refresh_from_db()
    assert order.state == State.QUOTE
    assert order.amount_paid() == Decimal("400.00")
    # Charged to the order: nothing waits on the balance.
    assert customer_balance(customer=order.customer, account=LedgerEntry.Account.MONEY) == 0


def test_an_advance_above_the_total_so_far_waits_on_the_balance_until_the_total_grows(manager):
    order = OrderFactory(state=State.QUOTE, total=Decimal("0.00"), subtotal=Decimal("0.00"))

    payment = payment_record(order=order, amount="700.00", reference="BANK-7", by=manager)

    assert (payment.is_advance, payment.overpayment) == (True, Decimal("700.00"))
    balance = customer_balance(customer=order.customer, account=LedgerEntry.Account.MONEY)
    assert balance == Decimal("700.00")

    amended = order_amend(
        order=Order.objects.get(pk=order.pk),
        lines=[LineInput(item=ItemFactory(price=Decimal("1000.00")), quantity=1)],
        by=manager,
    )

    assert amended.amount_paid() == Decimal("700.00")
    assert customer_balance(customer=order.customer, account=LedgerEntry.Account.MONEY) == 0
    again, created = payment_record_or_get(
        order=amended, amount="700.00", reference="BANK-7", by=manager
    )
    assert (again.pk, created, again.is_advance) == (payment.pk, False, True)
    assert again.overpayment == Decimal("700.00")


def test_at_the_payment_stage_a_payment_is_no_advance(manager):
    order = OrderFactory(state=State.PAYMENT, workflow=WorkflowFactory(prepayment_percent=50))

    payment = payment_record(order=order, amount="100.00", by=manager)

    assert payment.is_advance is False
    assert "advance" not in OrderEvent.objects.get(order=order).payload


def test_an_unconfirmed_advance_is_refused_and_nothing_is_recorded(manager):
    order = OrderFactory(state=State.CONTRACT)

    with pytest.raises(OrderValidationError) as refused:
        payment_record(order=order, amount="400.00", by=manager, advance_allowed=False)

    assert refused.value.errors == {
        "advance": [
            "The order is at the “Contract” stage, before payment: the money will be kept as "
            "an advance for this order. Tick “Record as an advance” to record it."
        ]
    }
    assert not Payment.objects.exists()
    assert not LedgerEntry.objects.exists()
    _nothing_written(order)
