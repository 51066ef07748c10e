"""What a manager's phone order needs from the services: lines outside the catalog, the
delivery method and address, and the order's details changed afterwards."""

from decimal import Decimal

import pytest

from accounts.roles import Role
from notifications.models import OutboxMessage
from orders.errors import OrderPermissionError, OrderTransitionError, OrderValidationError
from orders.lifecycle import OrderKind, State
from orders.models import Order, OrderEvent, OrderLine
from orders.services import LineInput, order_create, order_details_update, order_repeat
from tests.catalog.factories import ItemFactory
from tests.factories import CustomerFactory
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def _create(manager, **overrides):
    arguments = {
        "customer": CustomerFactory(),
        "kind": OrderKind.PRODUCT,
        "channel": Order.Channel.PHONE,
        "by": manager,
        "lines": [LineInput(item=ItemFactory(price=Decimal("1000.00")), quantity=1)],
    }
    return order_create(**{**arguments, **overrides})


def test_a_free_line_is_written_with_its_name_price_and_vat(make_staff):
    manager = make_staff(Role.MANAGER)
    chair = ItemFactory(name="Стул", price=Decimal("1000.00"), vat_rate=22)

    order = _create(
        manager,
        lines=[
            LineInput(item=chair, quantity=2),
            LineInput(
                item=None, name=" Подъём на этаж ", quantity=1, unit_price="500", vat_rate=20
            ),
        ],
    )

    free = order.lines.get(position=2)
    assert (free.item, free.name, free.unit, free.unit_price, free.vat_rate) == (
        None,
        "Подъём на этаж",
        "шт",
        Decimal("500.00"),
        20,
    )
    assert order.total == Decimal("2500.00")
    assert order.vat_total == Decimal("443.99")


@pytest.mark.parametrize(
    ("line", "errors"),
    [
        (LineInput(item=None, quantity=1, unit_price="10"), ["lines.0.name"]),
        (LineInput(item=None, name="Монтаж", quantity=0, unit_price="10"), ["lines.0.quantity"]),
        (LineInput(item=None, name="Монтаж", quantity=1), ["lines.0.unit_price"]),
        (
            LineInput(item=None, name="Монтаж", quantity=1, unit_price="-1"),
            ["lines.0.unit_price"],
        ),
        (
            LineInput(item=None, name="Монтаж", quantity=1, unit_price="1", vat_rate=18),
            ["lines.0.vat_rate"],
        ),
    ],
)
def test_a_bad_free_line_is_refused_and_nothing_is_saved(make_staff, line, errors):
    with pytest.raises(OrderValidationError) as refused:
        _create(make_staff(Role.MANAGER), lines=[line])

    assert sorted(refused.value.errors) == errors
    assert Order.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


@pytest.mark.parametrize("method", ["courier", "carrier"])
def test_a_delivery_to_the_door_needs_an_address(make_staff, method):
    with pytest.raises(OrderValidationError) as refused:
        _create(make_staff(Role.MANAGER), delivery_method=method, delivery_address="  ")

    assert list(refused.value.errors) == ["delivery_address"]
    assert Order.objects.count() == 0


def test_the_delivery_method_and_address_are_stored(make_staff):
    order = _create(
        make_staff(Role.MANAGER), delivery_method="courier", delivery_address="Москва, Тверская, 1"
    )

    assert (order.delivery_method, order.delivery_address) == ("courier", "Москва, Тверская, 1")


def test_order_field_errors_and_line_errors_come_together(make_staff):
    with pytest.raises(OrderValidationError) as refused:
        _create(
            make_staff(Role.MANAGER),
            delivery_method="drone",
            lines=[LineInput(item=None, quantity=1, unit_price="1")],
        )

    assert sorted(refused.value.errors) == ["delivery_method", "lines.0.name"]


def test_repeating_an_order_keeps_its_free_lines_at_their_price(make_staff):
    manager = make_staff(Role.MANAGER)
    order = _create(
        manager,
        lines=[LineInput(item=None, name="Доставка", quantity=1, unit_price="700", vat_rate=-1)],
    )

    repeat = order_repeat(order=order, by=manager)

    line = repeat.lines.get()
    assert (line.item, line.name, line.unit_price, line.vat_rate) == (
        None,
        "Доставка",
        Decimal("700.00"),
        -1,
    )


def test_details_are_updated_with_an_event_of_before_and_after(make_staff):
    manager = make_staff(Role.MANAGER)
    order = OrderFactory(state=State.PRODUCTION, comment="старый")
    earlier = OrderFactory(customer=order.customer)

    updated = order_details_update(
        order=order,
        by=manager,
        changes={
            "comment": "новый",
            "delivery_method": "carrier",
            "delivery_address": "Казань",
            "related_order": earlier,
        },
    )

    assert (updated.comment, updated.delivery_method, updated.related_order) == (
        "новый",
        "carrier",
        earlier,
    )
    assert updated.version == order.version + 1
    event = OrderEvent.objects.get(order=order)
    assert (event.action, event.actor, event.from_state, event.to_state) == (
        "details_updated",
        manager,
        "production",
        "production",
    )
    assert event.payload["changes"] == {
        "comment": {"old": "старый", "new": "новый"},
        "delivery_method": {"old": "", "new": "carrier"},
        "delivery_address": {"old": "", "new": "Казань"},
        "related_order": {"old": "", "new": earlier.number},
    }
    assert OutboxMessage.objects.filter(topic="order.details_updated").count() == 1


def test_details_without_a_change_write_nothing(make_staff):
    order = OrderFactory(comment="тот же")

    order_details_update(order=order, by=make_staff(Role.MANAGER), changes={"comment": "тот же"})

    assert OrderEvent.objects.count() == 0


@pytest.mark.parametrize("state", [State.CLOSED, State.CANCELLED])
def test_details_of_a_finished_order_are_refused(make_staff, state):
    order = OrderFactory(state=state)

    with pytest.raises(OrderTransitionError):
        order_details_update(order=order, by=make_staff(Role.MANAGER), changes={"comment": "x"})

    order.refresh_from_db()
    assert order.comment == ""
    assert OrderEvent.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


def test_details_are_refused_to_a_client_and_for_another_customers_order(client_user, make_staff):
    order = OrderFactory(customer=client_user.contact.customer)

    with pytest.raises(OrderPermissionError):
        order_details_update(order=order, by=client_user, changes={"comment": "x"})
    with pytest.raises(OrderValidationError) as refused:
        order_details_update(
            order=order, by=make_staff(Role.MANAGER), changes={"related_order": OrderFactory()}
        )

    assert list(refused.value.errors) == ["related_order"]
    assert OrderEvent.objects.count() == 0


def test_a_line_outside_the_catalog_needs_a_name_in_the_database():
    from django.db import IntegrityError, transaction

    order = OrderFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        OrderLine.objects.create(
            order=order,
            position=1,
            item=None,
            name="",
            quantity=1,
            unit="шт",
            unit_price=1,
            vat_rate=20,
            line_total=1,
        )
