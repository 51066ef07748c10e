"""Shipping with a carrier: carriers as data, `order_ship` in one transaction, refusals that
change nothing, and a changed delivery sub-status written to its own topic."""

from datetime import date

import pytest

from accounts.roles import Role
from notifications.models import OutboxMessage
from orders.carriers import carrier_find, carrier_save
from orders.errors import OrderPermissionError, OrderTransitionError, OrderValidationError
from orders.lifecycle import DeliveryStatus, State
from orders.models import Carrier, Order, OrderEvent
from orders.services import delivery_update, order_ship, order_transition
from tests.factories import UserFactory
from tests.orders.factories import OrderFactory, WorkflowFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def warehouse():
    return UserFactory(role=Role.WAREHOUSE)


@pytest.fixture
def cdek():
    return Carrier.objects.get(name="СДЭК")


def _in_production(**workflow):
    return OrderFactory(state=State.PRODUCTION, workflow=WorkflowFactory(**workflow))


def _nothing_written(order):
    return not OrderEvent.objects.filter(order=order).exists() and not (
        OutboxMessage.objects.filter(aggregate_id=order.pk).exists()
    )


def test_the_migration_seeds_the_usual_carriers_with_their_tracking_pages():
    carriers = {c.name: c.tracking_url("AB 1/2") for c in Carrier.objects.all()}

    assert carriers == {
        "СДЭК": "https://www.cdek.ru/ru/tracking?order_id=AB%201%2F2",
        "Boxberry": "https://boxberry.ru/tracking-page?id=AB%201%2F2",
        "Почта России": "https://www.pochta.ru/tracking?barcode=AB%201%2F2",
        "ПЭК": "https://pecom.ru/services-are/shipping-request/tracking/?code=AB%201%2F2",
        "Деловые линии": "https://www.dellin.ru/tracker/orders/AB%201%2F2/",
    }


def test_shipping_records_carrier_tracking_and_date_and_moves_to_delivery(warehouse, cdek):
    order = _in_production(ships_by_carrier=True)

    shipped = order_ship(
        order=order,
        by=warehouse,
        carrier=cdek,
        tracking_number=" 1234567 ",
        expected_date=date(2030, 5, 1),
    )

    shipped = Order.objects.select_related("shipping_carrier").get(pk=order.pk)
    assert shipped.state == State.DELIVERY
    assert shipped.delivery_status == DeliveryStatus.HANDED_TO_CARRIER
    assert (shipped.carrier, shipped.shipping_carrier, shipped.tracking_number) == (
        "СДЭК",
        cdek,
        "1234567",
    )
    assert shipped.expected_delivery_date == date(2030, 5, 1)
    assert shipped.tracking_url == "https://www.cdek.ru/ru/tracking?order_id=1234567"
    assert list(order.events.values_list("action", flat=True).order_by("id")) == [
        "delivery_updated",
        "ship",
    ]
    ship_row = OutboxMessage.objects.get(aggregate_id=order.pk, topic="order.ship")
    assert ship_row.payload["shipment"]["tracking_url"] == shipped.tracking_url


@pytest.mark.parametrize(
    ("carrier", "tracking_number", "fields"),
    [
        (None, "", ["carrier", "tracking_number"]),
        ("cdek", "", ["tracking_number"]),
        (None, "123", ["carrier"]),
    ],
)
def test_shipping_by_carrier_without_carrier_or_tracking_is_refused_and_nothing_changes(
    warehouse, cdek, carrier, tracking_number, fields
):
    order = _in_production(ships_by_carrier=True)

    with pytest.raises(OrderValidationError) as caught:
        order_ship(
            order=order,
            by=warehouse,
            carrier=cdek if carrier else None,
            tracking_number=tracking_number,
            expected_date=date(2030, 5, 1),
        )

    assert sorted(caught.value.errors) == fields
    stored = Order.objects.get(pk=order.pk)
    assert (stored.state, stored.carrier, stored.tracking_number) == (State.PRODUCTION, "", "")
    assert stored.expected_delivery_date is None
    assert stored.version == order.version
    assert _nothing_written(order)


def test_an_inactive_carrier_is_refused_and_nothing_changes(warehouse, cdek):
    cdek.is_active = False
    cdek.save()
    order = _in_production()

    with pytest.raises(OrderValidationError) as caught:
        order_ship(order=order, by=warehouse, carrier=cdek, tracking_number="1")

    assert list(caught.value.errors) == ["carrier"]
    assert Order.objects.get(pk=order.pk).state == State.PRODUCTION
    assert _nothing_written(order)


def test_without_the_setting_shipping_needs_no_carrier(warehouse):
    order = _in_production()

    shipped = order_ship(order=order, by=warehouse)

    assert shipped.state == State.DELIVERY
    assert list(order.events.values_list("action", flat=True)) == ["ship"]


def test_a_courier_may_not_ship_and_nothing_changes(cdek):
    order = _in_production()

    with pytest.raises(OrderPermissionError):
        order_ship(
            order=order, by=UserFactory(role=Role.COURIER), carrier=cdek, tracking_number="1"
        )

    stored = Order.objects.get(pk=order.pk)
    assert (stored.state, stored.tracking_number) == (State.PRODUCTION, "")
    assert _nothing_written(order)


def test_shipping_from_another_stage_is_refused_and_nothing_changes(warehouse, cdek):
    order = OrderFactory(state=State.PAYMENT, workflow=WorkflowFactory(ships_by_carrier=True))

    with pytest.raises(OrderTransitionError):
        order_ship(order=order, by=warehouse, carrier=cdek, tracking_number="1")

    stored = Order.objects.get(pk=order.pk)
    assert (stored.state, stored.tracking_number) == (State.PAYMENT, "")
    assert _nothing_written(order)


def test_a_carrier_given_by_name_links_the_listed_carrier_in_any_case(warehouse, cdek):
    order = OrderFactory(state=State.DELIVERY, delivery_status=DeliveryStatus.HANDED_TO_CARRIER)

    delivery_update(order=order, by=warehouse, carrier="  сдэк ", tracking_number="77")

    stored = Order.objects.get(pk=order.pk)
    assert (stored.carrier, stored.shipping_carrier_id) == ("СДЭК", cdek.pk)
    assert stored.tracking_url.endswith("order_id=77")

    delivery_update(order=order, by=warehouse, carrier="Своя доставка")

    stored = Order.objects.get(pk=order.pk)
    assert (stored.carrier, stored.shipping_carrier_id, stored.tracking_url) == (
        "Своя доставка",
        None,
        "",
    )


def test_a_changed_sub_status_writes_its_own_topic_with_the_tracking_link(warehouse, cdek):
    order = OrderFactory(
        state=State.DELIVERY,
        delivery_status=DeliveryStatus.HANDED_TO_CARRIER,
        carrier="СДЭК",
        shipping_carrier=cdek,
        tracking_number="55",
    )

    delivery_update(order=order, by=warehouse, status=DeliveryStatus.IN_TRANSIT)
    delivery_update(order=order, by=warehouse, status=DeliveryStatus.IN_TRANSIT)
    delivery_update(order=order, by=warehouse, tracking_number="56")

    rows = OutboxMessage.objects.filter(aggregate_id=order.pk).order_by("id")
    assert [row.topic for row in rows] == [
        "order.delivery_updated",
        "order.delivery_status.in_transit",
        "order.delivery_updated",
    ]
    payload = rows[1].payload
    assert (payload["carrier"], payload["tracking_number"], payload["tracking_url"]) == (
        "СДЭК",
        "55",
        "https://www.cdek.ru/ru/tracking?order_id=55",
    )
    assert payload["delivery_status"] == "in_transit"


def test_carriers_are_saved_through_the_service_by_admins_only():
    admin = UserFactory(role=Role.ADMIN)

    saved = carrier_save(
        carrier=None,
        changes={
            "name": "Байкал Сервис",
            "tracking_url_pattern": "https://www.baikalsr.ru/tools/tracking/?number={number}",
            "is_active": True,
            "position": 60,
        },
        by=admin,
    )

    assert carrier_find("байкал сервис") == saved
    with pytest.raises(OrderPermissionError):
        carrier_save(carrier=saved, changes={"name": "X"}, by=UserFactory(role=Role.MANAGER))
    assert Carrier.objects.get(pk=saved.pk).name == "Байкал Сервис"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"tracking_url_pattern": "https://example.com/track"}, "tracking_url_pattern"),
        ({"tracking_url_pattern": "javascript:alert({number})"}, "tracking_url_pattern"),
        ({"name": "Boxberry"}, "name"),
        ({"name": ""}, "name"),
    ],
)
def test_a_bad_carrier_is_refused_and_nothing_changes(cdek, changes, field):
    before = (cdek.name, cdek.tracking_url_pattern)

    with pytest.raises(OrderValidationError) as caught:
        carrier_save(carrier=cdek, changes=changes, by=UserFactory(role=Role.ADMIN))

    assert field in caught.value.errors
    cdek.refresh_from_db()
    assert (cdek.name, cdek.tracking_url_pattern) == before


def test_the_plain_transition_refuses_ship_too_where_the_workflow_ships_by_carrier(warehouse):
    order = _in_production(ships_by_carrier=True)

    with pytest.raises(OrderValidationError):
        order_transition(order=order, transition="ship", by=warehouse)

    assert Order.objects.get(pk=order.pk).state == State.PRODUCTION
    assert _nothing_written(order)
