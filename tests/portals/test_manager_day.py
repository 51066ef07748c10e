"""The manager home: what to do now, each count linking to exactly its orders on the desk."""

import re
from datetime import timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from orders.lifecycle import State
from orders.models import Invoice, Quote
from tests.factories import UserFactory
from tests.orders.factories import OrderFactory, QuoteFactory
from tests.tasks.factories import TaskFactory

pytestmark = pytest.mark.django_db

HOME = reverse("portals_manager:home")


def _invoice(order, *, days, status=Invoice.Status.ISSUED):
    return Invoice.objects.create(
        number=f"INV-{order.pk}-{days}-{status}",
        order=order,
        kind=Invoice.Kind.PREPAYMENT,
        amount=Decimal("100.00"),
        due_date=timezone.localdate() + timedelta(days=days),
        status=status,
    )


def _day(manager, other):
    """One order of each kind the home counts, and a near miss next to each."""
    now = timezone.now()
    late = now - timedelta(hours=1)
    orders = {
        "new_request": OrderFactory(state=State.REQUEST, manager=None),
        "assigned_request": OrderFactory(state=State.REQUEST, manager=manager),
        "quote_sent": OrderFactory(state=State.QUOTE, manager=manager),
        "quote_draft": OrderFactory(state=State.QUOTE, manager=manager),
        "other_quote_sent": OrderFactory(state=State.QUOTE, manager=other),
        "late": OrderFactory(state=State.PRODUCTION, manager=manager, sla_due_at=late),
        "on_time": OrderFactory(
            state=State.PRODUCTION, manager=manager, sla_due_at=now + timedelta(hours=5)
        ),
        "closed_late": OrderFactory(state=State.CLOSED, manager=manager, sla_due_at=late),
        "unpaid": OrderFactory(state=State.PAYMENT, manager=manager),
        "paid": OrderFactory(state=State.PAYMENT, manager=manager),
        "not_due": OrderFactory(state=State.PAYMENT, manager=manager),
        "other_late": OrderFactory(state=State.DELIVERY, manager=other, sla_due_at=late),
    }
    QuoteFactory(order=orders["quote_sent"], status=Quote.Status.SENT)
    QuoteFactory(order=orders["quote_draft"], status=Quote.Status.DRAFT)
    QuoteFactory(order=orders["other_quote_sent"], status=Quote.Status.SENT)
    _invoice(orders["unpaid"], days=-2)
    _invoice(orders["paid"], days=-2, status=Invoice.Status.PAID)
    _invoice(orders["not_due"], days=3)
    return orders


def _link(html, testid):
    match = re.search(rf'href="([^"]+)" data-testid="{testid}"', html)
    assert match, testid
    return unescape(match.group(1))


def _desk_ids(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return {order.pk for order in response.context["orders"]}


def test_a_managers_home_counts_their_day_and_links_to_exactly_those_orders(client):
    manager = UserFactory(role=Role.MANAGER)
    other = UserFactory(role=Role.MANAGER)
    orders = _day(manager, other)
    TaskFactory(assignee=manager, due_at=timezone.now() - timedelta(days=1))
    TaskFactory(assignee=other, due_at=timezone.now() - timedelta(days=1))
    client.force_login(manager)

    response = client.get(HOME)

    day = response.context["day"]
    assert (day.new_requests, day.quotes_waiting, day.sla_breached, day.invoices_overdue) == (
        1,
        1,
        1,
        1,
    )
    assert [(state, count) for state, _label, count in day.by_state] == [
        (State.REQUEST, 1),
        (State.QUOTE, 2),
        (State.PAYMENT, 3),
        (State.PRODUCTION, 2),
    ]
    assert response.context["tasks"]["overdue"] == 1
    assert "team" not in response.context
    html = response.content.decode()
    expected = {
        "count-new-requests": {orders["new_request"].pk},
        "count-quotes-waiting": {orders["quote_sent"].pk},
        "count-sla-breached": {orders["late"].pk},
        "count-invoices-overdue": {orders["unpaid"].pk},
        "count-state-quote": {orders["quote_sent"].pk, orders["quote_draft"].pk},
        "count-state-payment": {
            orders["unpaid"].pk,
            orders["paid"].pk,
            orders["not_due"].pk,
        },
    }
    for testid, ids in expected.items():
        assert _desk_ids(client, _link(html, testid)) == ids, testid
    assert _link(html, "count-tasks-overdue") == "/manager/tasks/?view=overdue"


def test_the_director_sees_the_team_and_a_row_per_manager(client):
    director = UserFactory(role=Role.DIRECTOR)
    manager = UserFactory(role=Role.MANAGER, first_name="Анна", last_name="Петрова")
    other = UserFactory(role=Role.MANAGER, first_name="Борис", last_name="Иванов")
    idle = UserFactory(role=Role.MANAGER, first_name="Вера", last_name="Сидорова")
    orders = _day(manager, other)
    client.force_login(director)

    response = client.get(HOME)

    day = response.context["day"]
    assert (day.quotes_waiting, day.sla_breached, day.invoices_overdue) == (2, 2, 1)
    rows = {row.manager_id: row for row, _tasks in response.context["team"]}
    assert (rows[manager.pk].open_orders, rows[manager.pk].sla_breached) == (8, 1)
    assert (rows[manager.pk].quotes_waiting, rows[manager.pk].invoices_overdue) == (1, 1)
    assert (rows[other.pk].open_orders, rows[other.pk].sla_breached) == (2, 1)
    assert rows[idle.pk].open_orders == 0
    assert rows[None].open_orders == 1
    html = response.content.decode()
    assert 'data-testid="team-table"' in html
    assert "Сидорова" in html
    assert _desk_ids(client, _link(html, "count-sla-breached")) == {
        orders["late"].pk,
        orders["other_late"].pk,
    }
    assert _desk_ids(client, f"/manager/orders/?open=1&manager={manager.pk}") == {
        order.pk
        for name, order in orders.items()
        if order.manager_id == manager.pk and order.state != State.CLOSED
    }


def test_an_empty_day_says_so(client):
    manager = UserFactory(role=Role.MANAGER)
    client.force_login(manager)

    html = client.get(HOME).content.decode()

    assert 'data-testid="empty-late"' in html
    assert 'data-testid="empty-tasks"' in html
    assert 'data-testid="empty-by-state"' in html
    assert reverse("portals_manager:order_board") in html


@pytest.mark.parametrize("role", [Role.MANAGER, Role.DIRECTOR])
def test_the_home_costs_the_same_queries_at_any_size(client, role, django_assert_max_num_queries):
    user = UserFactory(role=role)
    managers = UserFactory.create_batch(2, role=Role.MANAGER)
    client.force_login(user)
    _day(managers[0], user)
    with django_assert_max_num_queries(12) as small:
        client.get(HOME)
    for manager in managers:
        for _round in range(4):
            _day(manager, user)
    TaskFactory.create_batch(5, assignee=user, due_at=timezone.now() - timedelta(days=1))

    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(HOME)

    assert response.status_code == 200
