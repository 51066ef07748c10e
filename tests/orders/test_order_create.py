import re
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.roles import Role
from catalog.models import OrderFormField
from notifications.models import OutboxMessage
from orders.errors import OrderValidationError
from orders.lifecycle import OrderKind, State
from orders.models import Order, OrderEvent, OrderLine, OrderNumberSequence
from orders.services import LineInput, order_create
from tests.catalog.factories import CategoryFactory, ItemFactory, OrderFormFieldFactory
from tests.factories import CustomerFactory
from tests.orders.factories import WorkflowFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sofa(db):
    item = ItemFactory(name="Диван «Комфорт»", price=Decimal("45000.00"), vat_rate=22)
    OrderFormFieldFactory(
        item=item,
        name="fabric",
        label="Ткань",
        required=True,
        field_type=OrderFormField.FieldType.CHOICE,
        choices=["Велюр", "Рогожка"],
    )
    return item


def test_order_is_created_with_number_lines_totals_event_and_outbox(make_staff, sofa):
    manager = make_staff(Role.MANAGER)
    customer = CustomerFactory()

    order = order_create(
        customer=customer,
        kind=OrderKind.PRODUCT,
        channel=Order.Channel.MANAGER,
        by=manager,
        lines=[
            LineInput(
                item=sofa, quantity=2, discount_percent="10", custom_values={"fabric": "Велюр"}
            )
        ],
    )

    assert order.state == State.REQUEST
    assert re.fullmatch(rf"{timezone.localdate().year}-\d{{6}}", order.number)
    line = order.lines.get()
    assert (line.name, line.quantity, line.unit_price, line.line_total) == (
        "Диван «Комфорт»",
        Decimal("2"),
        Decimal("45000.00"),
        Decimal("81000.00"),
    )
    assert line.custom_values == {"fabric": "Велюр"}
    assert line.custom_fields_display == [("Ткань", "Велюр")]
    assert (order.subtotal, order.discount_total, order.total) == (
        Decimal("90000.00"),
        Decimal("9000.00"),
        Decimal("81000.00"),
    )
    assert order.vat_total == Decimal("14606.56")  # 81000 * 22 / 122
    event = OrderEvent.objects.get(order=order)
    assert (event.action, event.from_state, event.to_state, event.actor) == (
        "created",
        "",
        State.REQUEST,
        manager,
    )
    outbox = OutboxMessage.objects.get(aggregate_id=order.pk)
    assert outbox.topic == "order.created"
    assert outbox.payload["number"] == order.number


def test_missing_required_custom_field_rejects_the_order_and_leaves_nothing(sofa):
    with pytest.raises(OrderValidationError) as error:
        order_create(
            customer=CustomerFactory(),
            kind=OrderKind.PRODUCT,
            channel=Order.Channel.PORTAL,
            by=None,
            lines=[LineInput(item=sofa, quantity=1, custom_values={})],
        )

    assert list(error.value.errors) == ["lines.0.custom_values.fabric"]
    assert Order.objects.count() == 0
    assert OrderLine.objects.count() == 0
    assert OrderEvent.objects.count() == 0
    assert OutboxMessage.objects.count() == 0
    assert OrderNumberSequence.objects.count() == 0


def test_every_bad_field_is_named_at_once(sofa):
    plain = ItemFactory()

    with pytest.raises(OrderValidationError) as error:
        order_create(
            customer=CustomerFactory(),
            kind=OrderKind.PRODUCT,
            channel=Order.Channel.API,
            by=None,
            lines=[
                LineInput(item=sofa, quantity=0, custom_values={"fabric": "Шёлк"}),
                LineInput(item=plain, quantity="abc", discount_percent=150),
                LineInput(item=999999, quantity=1),
            ],
        )

    assert set(error.value.errors) == {
        "lines.0.quantity",
        "lines.0.custom_values.fabric",
        "lines.1.quantity",
        "lines.1.discount_percent",
        "lines.2.item",
    }


def test_sales_order_needs_lines_but_support_request_does_not():
    customer = CustomerFactory()

    with pytest.raises(OrderValidationError) as error:
        order_create(customer=customer, kind=OrderKind.PRODUCT, channel="portal", by=None, lines=[])
    ticket = order_create(
        customer=customer,
        kind=OrderKind.SUPPORT,
        channel="portal",
        by=None,
        lines=[],
        comment="Не работает доводчик",
        priority=Order.Priority.HIGH,
    )

    assert list(error.value.errors) == ["lines"]
    assert ticket.state == State.NEW
    assert ticket.priority == Order.Priority.HIGH


def test_default_workflows_split_retail_from_b2b(sofa):
    line = [LineInput(item=sofa, quantity=1, custom_values={"fabric": "Велюр"})]

    retail = order_create(
        customer=CustomerFactory(kind="person"),
        kind="product",
        channel="portal",
        by=None,
        lines=line,
    )
    b2b = order_create(
        customer=CustomerFactory(kind="company"),
        kind="product",
        channel="portal",
        by=None,
        lines=line,
    )

    assert (retail.workflow.uses_quote, retail.workflow.uses_contract) == (False, False)
    assert (b2b.workflow.uses_quote, b2b.workflow.uses_contract) == (True, True)


def test_a_category_workflow_beats_the_defaults(sofa):
    furniture = WorkflowFactory(kind="product", category=sofa.category, uses_contract=False)
    other_category = WorkflowFactory(kind="product", category=CategoryFactory())
    line = [LineInput(item=sofa, quantity=1, custom_values={"fabric": "Велюр"})]

    order = order_create(
        customer=CustomerFactory(kind="person"),
        kind="product",
        channel="portal",
        by=None,
        lines=line,
    )

    assert order.workflow == furniture
    assert order.workflow != other_category


def test_a_workflow_of_a_parent_category_covers_its_subcategories_items(db):
    furniture = CategoryFactory(name="Мебель")
    sofas = CategoryFactory(name="Диваны", parent=furniture)
    tables = CategoryFactory(name="Столы", parent=furniture)
    for_furniture = WorkflowFactory(kind="product", category=furniture, uses_contract=False)
    WorkflowFactory(kind="product", category=tables, customer_kind="person")
    sofa = ItemFactory(category=sofas)

    order = order_create(
        customer=CustomerFactory(kind="person"),
        kind="product",
        channel="portal",
        by=None,
        lines=[LineInput(item=sofa.pk, quantity=1)],
    )

    assert order.workflow == for_furniture


def test_duplicate_external_id_is_named():
    customer = CustomerFactory()
    order_create(
        customer=customer, kind="support", channel="api", by=None, lines=[], external_id="1C-7"
    )

    with pytest.raises(OrderValidationError) as error:
        order_create(
            customer=customer, kind="support", channel="api", by=None, lines=[], external_id="1C-7"
        )

    assert list(error.value.errors) == ["external_id"]
    assert Order.objects.count() == 1


def test_only_staff_or_the_customers_own_users_may_place_orders(make_staff):
    from orders.errors import OrderPermissionError
    from tests.factories import ContactFactory

    item = ItemFactory()
    own = ContactFactory()
    line = [LineInput(item=item, quantity=1)]

    for outsider in (ContactFactory().user, make_staff(Role.COURIER)):
        with pytest.raises(OrderPermissionError):
            order_create(
                customer=own.customer, kind="product", channel="portal", by=outsider, lines=line
            )
    order = order_create(
        customer=own.customer,
        contact=own,
        kind="product",
        channel="portal",
        by=own.user,
        lines=line,
    )

    assert Order.objects.get() == order


@pytest.mark.django_db(transaction=True)
def test_numbers_continue_after_the_highest_existing_one():
    """Switching a year's numbering to a sequence never reuses a number already given."""
    from django.db import connection

    from orders.numbering import order_number_next
    from tests.orders.factories import OrderFactory

    if connection.vendor != "postgresql":
        pytest.skip("SQLite numbers from its counter row")
    year = 2031
    OrderFactory(number=f"{year}-000041")

    first = order_number_next(year=year)
    second = order_number_next(year=year)

    assert int(first.split("-")[1]) >= 42
    assert int(second.split("-")[1]) == int(first.split("-")[1]) + 1
