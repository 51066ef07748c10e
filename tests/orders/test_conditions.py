from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.roles import Role
from orders.errors import OrderTransitionError, OrderValidationError
from orders.lifecycle import DeliveryStatus, OrderKind, PaymentTerms, State
from orders.models import Order, OrderEvent
from orders.services import (
    contract_mark_signed,
    order_transition,
    payment_record,
    quote_accept,
    quote_send,
)
from tests.orders.factories import OrderFactory, PaymentFactory, QuoteFactory, WorkflowFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(make_staff):
    return make_staff(Role.MANAGER)


def _refused(order, transition, by, *, reason=""):
    with pytest.raises(OrderTransitionError) as error:
        order_transition(order=order, transition=transition, by=by, reason=reason)
    assert Order.objects.get(pk=order.pk).state == order.state
    assert not OrderEvent.objects.filter(order=order, action=transition).exists()
    return [str(message) for message in error.value.messages]


def test_no_contract_before_an_accepted_quote(manager):
    order = OrderFactory(state=State.QUOTE, workflow=WorkflowFactory())
    quote = QuoteFactory(order=order, version=1)

    assert _refused(order, "prepare_contract", manager) == [
        "The client has not accepted a quote yet."
    ]

    quote_send(quote=quote, by=manager)
    quote_accept(quote=quote, by=manager)
    moved = order_transition(
        order=Order.objects.get(pk=order.pk), transition="prepare_contract", by=manager
    )
    assert moved.state == State.CONTRACT


def test_leaving_contract_needs_a_signature(manager):
    order = OrderFactory(state=State.CONTRACT, workflow=WorkflowFactory(uses_quote=False))

    assert _refused(order, "request_payment", manager) == ["The contract is not signed yet."]

    contract_mark_signed(order=order, by=manager)
    moved = order_transition(
        order=Order.objects.get(pk=order.pk), transition="request_payment", by=manager
    )
    assert moved.state == State.PAYMENT


def test_no_production_before_payment_for_prepaid_orders(manager):
    workflow = WorkflowFactory(uses_quote=False, uses_contract=False)
    order = OrderFactory(state=State.PAYMENT, workflow=workflow, total=Decimal("1000.00"))
    PaymentFactory(order=order, amount=Decimal("400.00"))

    assert _refused(order, "start_production", manager) == [
        "No production before payment: the order is prepaid and the agreed prepayment "
        "is not paid yet."
    ]

    # Paying the rest meets the terms: the order moves on by itself, noted as the system's.
    payment_record(order=order, amount=Decimal("600.00"), reference="PP-2", by=manager)
    moved = Order.objects.get(pk=order.pk)
    assert moved.state == State.PRODUCTION
    event = moved.events.get(action="start_production")
    assert event.actor is None
    assert event.note == "The agreed prepayment is received."


def test_post_paid_order_goes_to_production_unpaid_and_pays_after_delivery(manager):
    workflow = WorkflowFactory(
        uses_quote=False, uses_contract=False, payment_terms=PaymentTerms.POSTPAY
    )
    order = OrderFactory(state=State.REQUEST, workflow=workflow, payment_terms=PaymentTerms.POSTPAY)

    order = order_transition(order=order, transition="start_production", by=manager)
    order = order_transition(order=order, transition="ship", by=manager)
    assert _refused(order, "request_payment", manager) == [
        "Payment is not due now: prepaid orders are paid before production, "
        "post-paid orders after the client has received the delivery."
    ]
    assert "The order is not fully paid yet." in _refused(order, "close", manager)


def test_cancellation_needs_a_reason_and_keeps_it(manager):
    order = OrderFactory(state=State.PRODUCTION)

    with pytest.raises(OrderValidationError) as error:
        order_transition(order=order, transition="cancel", by=manager, reason="  ")
    assert list(error.value.errors) == ["reason"]
    assert Order.objects.get(pk=order.pk).state == State.PRODUCTION

    cancelled = order_transition(
        order=order, transition="cancel", by=manager, reason="Клиент передумал"
    )
    assert cancelled.state == State.CANCELLED
    assert Order.objects.get(pk=order.pk).cancel_reason == "Клиент передумал"
    assert OrderEvent.objects.get(order=order, action="cancel").payload == {
        "reason": "Клиент передумал"
    }


def test_closing_needs_delivery_handed_to_client(manager):
    order = OrderFactory(state=State.DELIVERY, delivery_status=DeliveryStatus.IN_TRANSIT)
    PaymentFactory(order=order, amount=order.total)

    assert _refused(order, "close", manager) == ["Closing needs the delivery handed to the client."]


def test_retail_workflow_skips_quote_and_contract(manager):
    retail = WorkflowFactory(retail=True)
    order = OrderFactory(state=State.REQUEST, workflow=retail)

    assert _refused(order, "start_quote", manager) == ["This order type skips the quote stage."]
    assert "This order type has no contract stage." in _refused(order, "prepare_contract", manager)
    assert (
        order_transition(order=order, transition="request_payment", by=manager).state
        == State.PAYMENT
    )


def test_b2b_workflow_requires_quote_before_payment(manager):
    order = OrderFactory(state=State.REQUEST, workflow=WorkflowFactory())

    assert "The client has not accepted a quote yet." in _refused(order, "request_payment", manager)


def test_ticket_transitions_do_not_apply_to_sales_orders_and_back(manager):
    sales = OrderFactory(state=State.CLOSED, kind=OrderKind.PRODUCT)
    ticket = OrderFactory(state=State.CLOSED, kind=OrderKind.SUPPORT)

    assert _refused(sales, "reopen", manager) == ["Only support requests follow the ticket flow."]
    assert _refused(ticket, "schedule_service", manager) == [
        "Support requests follow the ticket flow, not the order stages."
    ]


def test_expired_quote_cannot_be_accepted(manager):
    order = OrderFactory(state=State.QUOTE)
    quote = QuoteFactory(
        order=order,
        version=1,
        status="sent",
        valid_until=timezone.localdate() - timezone.timedelta(days=1),
    )

    with pytest.raises(OrderTransitionError):
        quote_accept(quote=quote, by=manager)


def test_payment_with_same_reference_is_recorded_once(manager):
    order = OrderFactory(state=State.REQUEST)

    first = payment_record(order=order, amount=Decimal("300"), reference="BANK-1", by=manager)
    second = payment_record(order=order, amount=Decimal("300"), reference="BANK-1", by=None)

    assert first.pk == second.pk
    assert order.amount_paid() == Decimal("300")
    assert OrderEvent.objects.filter(order=order, action="payment_recorded").count() == 1


def test_without_a_delivery_stage_the_order_closes_from_production(manager):
    on_site = WorkflowFactory(uses_quote=False, uses_contract=False, uses_delivery=False)
    shipped = WorkflowFactory(uses_quote=False, uses_contract=False)
    order = OrderFactory(state=State.PRODUCTION, workflow=on_site, total=Decimal("100.00"))
    other = OrderFactory(state=State.PRODUCTION, workflow=shipped, total=Decimal("100.00"))
    PaymentFactory(order=order, amount=Decimal("100.00"))
    PaymentFactory(order=other, amount=Decimal("100.00"))

    assert _refused(order, "ship", manager) == ["This order type has no delivery stage."]
    assert (
        "This order type has a delivery stage: it closes after delivery, not from production."
        in (_refused(other, "close", manager))
    )
    closed = order_transition(order=order, transition="close", by=manager)
    assert closed.state == State.CLOSED
