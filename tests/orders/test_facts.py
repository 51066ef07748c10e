"""Facts recorded alongside the lifecycle: deliveries, quotes, payments, assignment."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.roles import Role
from orders.errors import (
    OrderConflictError,
    OrderPermissionError,
    OrderTransitionError,
    OrderValidationError,
)
from orders.lifecycle import DeliveryStatus, State
from orders.models import Order, OrderEvent
from orders.services import (
    delivery_update,
    order_assign_manager,
    order_transition,
    payment_record,
    quote_accept,
    quote_send,
)
from tests.factories import ContactFactory, UserFactory
from tests.orders.factories import OrderFactory, QuoteFactory

pytestmark = pytest.mark.django_db


def test_courier_moves_the_delivery_and_a_new_expected_date_is_kept():
    courier = UserFactory(role=Role.COURIER)
    today = timezone.localdate()
    order = OrderFactory(
        state=State.DELIVERY,
        delivery_status=DeliveryStatus.HANDED_TO_CARRIER,
        expected_delivery_date=today + timedelta(days=1),
    )

    delivery_update(
        order=order,
        by=courier,
        status=DeliveryStatus.WITH_COURIER,
        carrier="СДЭК",
        tracking_number="1234",
        expected_date=today + timedelta(days=3),
    )

    order.refresh_from_db()
    assert (order.delivery_status, order.carrier, order.tracking_number) == (
        DeliveryStatus.WITH_COURIER,
        "СДЭК",
        "1234",
    )
    event = OrderEvent.objects.get(order=order, action="delivery_updated")
    assert event.payload["changes"]["expected_delivery_date"] == {
        "old": str(today + timedelta(days=1)),
        "new": str(today + timedelta(days=3)),
    }


def test_the_same_delivery_fact_twice_records_one_event():
    courier = UserFactory(role=Role.COURIER)
    order = OrderFactory(state=State.DELIVERY)

    delivery_update(order=order, by=courier, status=DeliveryStatus.IN_TRANSIT)
    delivery_update(order=order, by=courier, status=DeliveryStatus.IN_TRANSIT)

    assert OrderEvent.objects.filter(order=order, action="delivery_updated").count() == 1


def test_client_may_confirm_receipt_but_not_edit_the_shipment():
    contact = ContactFactory()
    order = OrderFactory(state=State.DELIVERY, customer=contact.customer)

    with pytest.raises(OrderPermissionError):
        delivery_update(order=order, by=contact.user, tracking_number="FAKE")
    delivery_update(order=order, by=contact.user, status=DeliveryStatus.HANDED_TO_CLIENT)

    assert Order.objects.get(pk=order.pk).delivery_status == DeliveryStatus.HANDED_TO_CLIENT


def test_unknown_delivery_status_is_named():
    with pytest.raises(OrderValidationError) as error:
        delivery_update(order=OrderFactory(), by=None, status="teleported")

    assert list(error.value.errors) == ["status"]


def test_client_accepts_the_sent_quote_but_cannot_send_one():
    contact = ContactFactory()
    order = OrderFactory(state=State.QUOTE, customer=contact.customer)
    quote = QuoteFactory(order=order, version=1)

    with pytest.raises(OrderPermissionError):
        quote_send(quote=quote, by=contact.user)
    quote_send(quote=quote, by=UserFactory(role=Role.MANAGER))
    with pytest.raises(OrderPermissionError):
        quote_accept(quote=quote, by=ContactFactory().user)
    accepted = quote_accept(quote=quote, by=contact.user)

    assert accepted.status == "accepted"
    assert accepted.accepted_by == contact.user
    actions = list(OrderEvent.objects.filter(order=order).values_list("action", flat=True))
    assert actions == ["quote_sent", "quote_accepted"]


def test_a_superseded_quote_cannot_be_accepted():
    manager = UserFactory(role=Role.MANAGER)
    order = OrderFactory(state=State.QUOTE)
    old = QuoteFactory(order=order, version=1, status="superseded")

    with pytest.raises(OrderTransitionError):
        quote_accept(quote=old, by=manager)


def test_payment_is_recorded_whatever_the_state_and_rejects_non_positive_amounts():
    order = OrderFactory(state=State.REQUEST, total=Decimal("500"))

    payment_record(order=order, amount=Decimal("500"), reference="EARLY", by=None)
    with pytest.raises(OrderValidationError) as error:
        payment_record(order=order, amount=Decimal("0"), by=None)

    assert order.is_fully_paid()
    assert list(error.value.errors) == ["amount"]


def test_payments_bump_the_version_so_stale_api_copies_conflict():
    manager = UserFactory(role=Role.MANAGER)
    order = OrderFactory(state=State.REQUEST)
    version_read = order.version

    payment_record(order=order, amount=Decimal("1"), by=None)

    with pytest.raises(OrderConflictError):
        order_transition(
            order=order, transition="cancel", by=manager, reason="x", expected_version=version_read
        )
    assert Order.objects.get(pk=order.pk).state == State.REQUEST


def test_only_order_processors_can_be_assigned():
    manager = UserFactory(role=Role.MANAGER)
    courier = UserFactory(role=Role.COURIER)
    order = OrderFactory()

    with pytest.raises(OrderValidationError):
        order_assign_manager(order=order, manager=courier, by=manager)
    order_assign_manager(order=order, manager=manager, by=manager)

    assert Order.objects.get(pk=order.pk).manager == manager
