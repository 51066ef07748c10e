import pytest
from django.http import Http404

from accounts.roles import Role
from orders.lifecycle import OrderKind, State
from orders.selectors import order_available_transitions, order_get_for_user, order_list_for_user
from tests.factories import ContactFactory, UserFactory
from tests.orders.factories import OrderFactory, QuoteFactory, WorkflowFactory

pytestmark = pytest.mark.django_db


def test_client_sees_only_own_company_orders():
    contact = ContactFactory()
    own = OrderFactory(customer=contact.customer)
    OrderFactory()

    assert list(order_list_for_user(user=contact.user)) == [own]


@pytest.mark.parametrize(
    "role", [Role.MANAGER, Role.WAREHOUSE, Role.COURIER, Role.DIRECTOR, Role.ADMIN]
)
def test_staff_see_every_order(role):
    orders = OrderFactory.create_batch(3)

    assert set(order_list_for_user(user=UserFactory(role=role))) == set(orders)


def test_user_without_role_sees_nothing():
    OrderFactory()

    assert list(order_list_for_user(user=UserFactory())) == []


def test_another_clients_order_is_a_404():
    contact = ContactFactory()
    foreign = OrderFactory()

    with pytest.raises(Http404):
        order_get_for_user(user=contact.user, order_id=foreign.pk)
    with pytest.raises(Http404):
        order_get_for_user(user=contact.user, order_id="not-a-number")


@pytest.mark.parametrize("order_id", [10**20, -(10**20), "1e9", "", None, "12abc"])
def test_a_key_no_order_can_hold_is_a_404_not_a_database_error(order_id):
    staff = UserFactory(role=Role.MANAGER)
    OrderFactory()

    with pytest.raises(Http404):
        order_get_for_user(user=staff, order_id=order_id)


def test_order_list_costs_a_fixed_number_of_queries(django_assert_num_queries):
    manager = UserFactory(role=Role.MANAGER)
    OrderFactory.create_batch(30, workflow=WorkflowFactory(), manager=manager)
    manager = type(manager).objects.get(pk=manager.pk)

    with django_assert_num_queries(3):  # the user's permissions (2), the page
        rows = [
            (
                order.number,
                order.customer.name,
                order.manager_id and order.manager.username,
                order.workflow.name,
            )
            for order in order_list_for_user(user=manager)[:25]
        ]

    assert len(rows) == 25


def test_order_detail_costs_a_fixed_number_of_queries(django_assert_max_num_queries):
    contact = ContactFactory()
    order = OrderFactory(customer=contact.customer)
    for version in (1, 2, 3):
        QuoteFactory(order=order, version=version)

    with django_assert_max_num_queries(11):
        loaded = order_get_for_user(user=contact.user, order_id=order.pk)
        _ = [
            list(loaded.lines.all()),
            list(loaded.events.all()),
            list(loaded.quotes.all()),
            list(loaded.payments.all()),
            list(loaded.refunds.all()),
            list(loaded.invoices.all()),
            list(loaded.documents.all()),
        ]


def test_available_transitions_respect_role_and_conditions():
    manager = UserFactory(role=Role.MANAGER)
    warehouse = UserFactory(role=Role.WAREHOUSE)
    contact = ContactFactory()
    order = OrderFactory(state=State.REQUEST, customer=contact.customer, workflow=WorkflowFactory())

    assert [o.name for o in order_available_transitions(order=order, user=manager)] == [
        "cancel",
        "start_quote",
    ]
    assert order_available_transitions(order=order, user=warehouse) == []
    client_options = order_available_transitions(order=order, user=contact.user)
    assert [(o.name, o.requires_reason) for o in client_options] == [("cancel", True)]


def test_ticket_options_for_the_client():
    contact = ContactFactory()
    ticket = OrderFactory(state=State.RESOLVED, kind=OrderKind.SUPPORT, customer=contact.customer)

    names = sorted(o.name for o in order_available_transitions(order=ticket, user=contact.user))

    assert names == ["close_ticket", "reopen"]


def _django_read(order_id):
    """The order as `select_related` and `prefetch_related` read it (the former code)."""
    from django.db.models import Prefetch

    from orders.models import Invoice, Order, OrderEvent, OrderLine, Payment, Quote, Refund

    return (
        Order.objects.select_related(
            "customer", "contact", "manager", "workflow", "shipping_carrier", "related_order"
        )
        .prefetch_related(
            Prefetch("lines", OrderLine.objects.select_related("item").order_by("position")),
            Prefetch("events", OrderEvent.objects.select_related("actor").order_by("id")),
            Prefetch("quotes", Quote.objects.order_by("-version")),
            Prefetch("payments", Payment.objects.order_by("paid_at", "id")),
            Prefetch("refunds", Refund.objects.order_by("created_at", "id")),
            Prefetch("invoices", Invoice.objects.order_by("created_at", "id")),
            "documents",
        )
        .get(pk=order_id)
    )


def _fields(instance):
    return {name: value for name, value in vars(instance).items() if not name.startswith("_")}


@pytest.mark.parametrize("rare", [(), ("refunds", "documents", "tasks")])
def test_the_compiled_reads_give_what_djangos_prefetch_gives(rare):
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from billing.models import Document
    from orders.models import Invoice, OrderEvent, OrderLine, Refund
    from tests.catalog.factories import ItemFactory
    from tests.orders.factories import PaymentFactory

    contact = ContactFactory()
    earlier = OrderFactory(customer=contact.customer)
    order = OrderFactory(
        customer=contact.customer,
        contact=contact,
        workflow=WorkflowFactory(),
        related_order=earlier,
        manager=UserFactory(role=Role.MANAGER),
    )
    for position in (2, 1):
        OrderLine.objects.create(
            order=order,
            position=position,
            item=ItemFactory(),
            name=f"L{position}",
            quantity=1,
            unit_price=10,
            line_total=10,
            vat_rate=22,
        )
    for action in ("created", "start_quote"):
        OrderEvent.objects.create(order=order, action=action, to_state="quote", actor=order.manager)
    for version in (1, 2):
        QuoteFactory(order=order, version=version)
    payment = PaymentFactory(order=order, amount=Decimal("10.00"))
    Refund.objects.create(payment=payment, order=order, amount=Decimal("1.00"), reason="x")
    Invoice.objects.create(
        order=order,
        number="I-1",
        amount=Decimal("10.00"),
        due_date=timezone.localdate() + timedelta(days=3),
    )
    Document.objects.create(
        order=order, kind=Document.Kind.SIGNED, source="signed:1", number="S-1", version=1
    )
    staff = UserFactory(role=Role.MANAGER)

    for user in (contact.user, staff):
        mine = order_get_for_user(user=user, order_id=order.pk, only_if_any=rare)
        django = _django_read(order.pk)

        has = {f"has_{name}": name != "tasks" for name in rare}  # it has no task
        assert _fields(mine) == {**_fields(django), **has}
        for relation in ("customer", "contact", "manager", "workflow", "related_order"):
            assert _fields(getattr(mine, relation)) == _fields(getattr(django, relation))
        for name in ("lines", "events", "quotes", "payments", "refunds", "invoices", "documents"):
            rows, expected = list(getattr(mine, name).all()), list(getattr(django, name).all())
            assert [_fields(row) for row in rows] == [_fields(row) for row in expected], name
            assert all(row.order is mine for row in rows), name
        assert [line.item.name for line in mine.lines.all()] == [
            line.item.name for line in django.lines.all()
        ]
        assert [event.actor for event in mine.events.all()] == [order.manager] * 2
