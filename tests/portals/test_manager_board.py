"""The board: open orders in columns by stage, moved through the lifecycle service."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from orders.day_selectors import board_states_for
from orders.errors import OrderPermissionError
from orders.lifecycle import OrderKind, State, quote_accepted_if_used
from orders.models import Order, OrderEvent
from tests.factories import UserFactory
from tests.orders.factories import OrderFactory, WorkflowFactory

pytestmark = pytest.mark.django_db

BOARD = reverse("portals_manager:order_board")
COLUMNS = reverse("portals_manager:order_board_columns")


@pytest.fixture
def manager(client):
    user = UserFactory(role=Role.MANAGER)
    client.force_login(user)
    return user


def _move_url(order):
    return reverse("portals_manager:order_board_move", args=[order.pk])


def _columns(response):
    return {column.state: column for column in response.context["board"].columns}


def test_columns_follow_the_kinds_workflow():
    assert board_states_for(OrderKind.PRODUCT) == [
        State.REQUEST,
        State.QUOTE,
        State.CONTRACT,
        State.PAYMENT,
        State.PRODUCTION,
        State.DELIVERY,
        State.SERVICE,
    ]
    assert board_states_for(OrderKind.SUPPORT) == [
        State.NEW,
        State.IN_PROGRESS,
        State.WAITING_CLIENT,
        State.RESOLVED,
    ]


def test_each_column_shows_its_newest_arrivals_and_its_count(client, manager):
    now = timezone.now()
    for hours in range(25):
        OrderFactory(state=State.PRODUCTION, state_changed_at=now - timedelta(hours=hours))
    OrderFactory(state=State.CLOSED)
    OrderFactory(state=State.REQUEST, kind=OrderKind.SERVICE)
    newest = Order.objects.filter(state=State.PRODUCTION).order_by("-state_changed_at")[0]

    response = client.get(BOARD, {"kind": "product"})

    columns = _columns(response)
    assert list(columns) == board_states_for(OrderKind.PRODUCT)
    production = columns[State.PRODUCTION]
    assert (production.count, len(production.cards)) == (25, 20)
    assert production.cards[0].order == newest
    assert columns[State.REQUEST].count == 0
    html = response.content.decode()
    assert production.hidden_count == 5
    assert f'data-testid="card-{newest.number}"' in html


def test_filters_mine_manager_and_customer_are_kept(client, manager):
    other = UserFactory(role=Role.MANAGER)
    mine = OrderFactory(state=State.QUOTE, manager=manager)
    theirs = OrderFactory(state=State.QUOTE, manager=other)

    def numbers(params):
        response = client.get(BOARD, params)
        return {card.order.number for card in _columns(response)[State.QUOTE].cards}

    assert numbers({"mine": "1"}) == {mine.number}
    assert numbers({"manager": other.pk}) == {theirs.number}
    assert numbers({"customer": theirs.customer_id}) == {theirs.number}
    response = client.get(BOARD, {"kind": "product", "manager": other.pk})
    assert f"manager={other.pk}" in response.context["board_query"]
    assert f'name="back" value="kind=product&amp;manager={other.pk}"' in response.content.decode()


def test_the_board_costs_the_same_queries_at_any_size(
    client, manager, django_assert_max_num_queries
):
    workflow = WorkflowFactory()
    OrderFactory(state=State.QUOTE, workflow=workflow)
    with django_assert_max_num_queries(12) as small:
        client.get(BOARD)
    for state in (State.REQUEST, State.QUOTE, State.PAYMENT, State.PRODUCTION):
        OrderFactory.create_batch(25, state=state, workflow=workflow, manager=manager)

    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(BOARD)

    assert sum(len(column.cards) for column in response.context["board"].columns) == 80


def test_a_move_takes_the_transition_to_the_column_and_records_it(client, manager):
    order = OrderFactory(state=State.PRODUCTION, workflow=WorkflowFactory())

    response = client.post(
        _move_url(order),
        {"target": State.DELIVERY, "version": order.version, "back": "kind=product"},
        headers={"HX-Request": "true"},
    )

    order.refresh_from_db()
    assert order.state == State.DELIVERY
    event = OrderEvent.objects.get(order=order, to_state=State.DELIVERY)
    assert (event.from_state, event.actor) == (State.PRODUCTION, manager)
    assert [card.order.pk for card in _columns(response)[State.DELIVERY].cards] == [order.pk]
    assert response.context["notice_level"] == "success"


def test_a_dropped_card_wins_over_the_menu_and_a_plain_post_redirects(client, manager):
    order = OrderFactory(state=State.PRODUCTION, workflow=WorkflowFactory())

    response = client.post(
        _move_url(order),
        {"target": "", "dropped": State.DELIVERY, "version": order.version, "back": "kind=product"},
    )

    assert response.status_code == 302
    assert response["Location"] == f"{BOARD}?kind=product"
    assert Order.objects.get(pk=order.pk).state == State.DELIVERY


def test_a_refused_move_shows_the_services_reason_and_changes_nothing(client, manager):
    order = OrderFactory(state=State.PRODUCTION, workflow=WorkflowFactory())
    events = OrderEvent.objects.count()

    response = client.post(
        _move_url(order),
        {"dropped": State.PAYMENT, "version": order.version},
        headers={"HX-Request": "true"},
    )

    assert Order.objects.get(pk=order.pk).state == State.PRODUCTION
    assert OrderEvent.objects.count() == events
    notice = str(response.context["notice"])
    assert order.number in notice
    assert [card.order.pk for card in _columns(response)[State.PRODUCTION].cards] == [order.pk]


def test_an_unmet_condition_comes_back_as_the_services_reason(client, manager):
    order = OrderFactory(state=State.QUOTE, workflow=WorkflowFactory(uses_contract=True))

    response = client.post(
        _move_url(order),
        {"target": State.CONTRACT, "version": order.version},
        headers={"HX-Request": "true"},
    )

    assert Order.objects.get(pk=order.pk).state == State.QUOTE
    assert str(quote_accepted_if_used.message) in str(response.context["notice"])


def test_a_courier_is_refused_with_the_reason(client):
    courier = UserFactory(role=Role.COURIER)
    client.force_login(courier)
    order = OrderFactory(state=State.DELIVERY, workflow=WorkflowFactory())

    response = client.post(
        _move_url(order),
        {"dropped": State.PAYMENT, "version": order.version},
        headers={"HX-Request": "true"},
    )

    assert Order.objects.get(pk=order.pk).state == State.DELIVERY
    assert str(OrderPermissionError.default_message) in str(response.context["notice"])
    assert response.context["notice_level"] == "danger"


def test_a_director_may_look_but_not_move(client):
    director = UserFactory(role=Role.DIRECTOR)
    client.force_login(director)
    order = OrderFactory(state=State.PRODUCTION, workflow=WorkflowFactory())

    assert client.get(BOARD).status_code == 200
    response = client.post(_move_url(order), {"dropped": State.DELIVERY, "version": 1})

    assert response.status_code == 403
    assert Order.objects.get(pk=order.pk).state == State.PRODUCTION


def test_a_stale_card_is_refused_as_a_conflict(client, manager):
    order = OrderFactory(state=State.PRODUCTION, workflow=WorkflowFactory())
    Order.objects.filter(pk=order.pk).update(version=order.version + 1)

    response = client.post(
        _move_url(order),
        {"dropped": State.DELIVERY, "version": order.version},
        headers={"HX-Request": "true"},
    )

    assert Order.objects.get(pk=order.pk).state == State.PRODUCTION
    assert response.context["notice_level"] == "warning"
    assert not OrderEvent.objects.filter(order=order).exists()


def test_the_poll_answers_204_while_nothing_changed(client, manager):
    order = OrderFactory(state=State.QUOTE)
    first = client.get(COLUMNS, {"kind": "product"})
    version = first.context["board"].version

    unchanged = client.get(COLUMNS, {"kind": "product"}, headers={"X-Board-Version": version})
    OrderFactory(state=State.QUOTE)
    changed = client.get(COLUMNS, {"kind": "product"}, headers={"X-Board-Version": version})

    assert unchanged.status_code == 204
    assert changed.status_code == 200
    assert order.number in changed.content.decode()


def test_the_menu_offers_only_the_users_permitted_moves(client, manager):
    order = OrderFactory(state=State.PRODUCTION, workflow=WorkflowFactory())

    response = client.get(BOARD)

    card = _columns(response)[State.PRODUCTION].cards[0]
    assert card.order == order
    # Closing from production is for workflows without delivery; cancelling needs a reason.
    assert [move.target for move in card.moves] == [State.DELIVERY]
