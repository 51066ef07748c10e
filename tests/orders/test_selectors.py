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
