import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from orders.lifecycle import OrderKind, State
from orders.models import Order, OrderEvent
from tests.factories import ContactFactory, UserFactory
from tests.orders.factories import OrderFactory, WorkflowFactory

pytestmark = pytest.mark.django_db

BULK_URL = reverse("portals_manager:order_bulk")
NEW_REQUESTS_URL = reverse("portals_manager:order_desk_new_requests")


@pytest.fixture
def manager_client():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.manager = UserFactory(role=Role.MANAGER)
    client.force_login(client.manager)
    return client


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _post_bulk(client, orders, **data):
    return client.post(BULK_URL, {"orders": [order.pk for order in orders], **data}, follow=True)


def test_bulk_step_asks_for_confirmation_before_changing_anything(manager_client):
    orders = OrderFactory.create_batch(2, state=State.REQUEST, workflow=WorkflowFactory())

    response = manager_client.post(
        BULK_URL,
        {
            "orders": [order.pk for order in orders],
            "action": "transition",
            "transition": "start_quote",
        },
    )

    assert response.status_code == 200
    assert response.context["description"] == "Take the step: Start quoting"
    assert [order.pk for order in response.context["orders"]] == sorted(
        (order.pk for order in orders), reverse=True
    )
    content = response.content.decode()
    assert all(order.number in content for order in orders)
    assert 'name="confirmed" value="1"' in content
    assert not OrderEvent.objects.exists()
    assert set(Order.objects.values_list("state", flat=True)) == {State.REQUEST}


def test_a_refused_row_is_reported_by_number_and_the_others_move_on(manager_client):
    workflow = WorkflowFactory()
    first, second = OrderFactory.create_batch(2, state=State.REQUEST, workflow=workflow)
    stuck = OrderFactory(state=State.PRODUCTION, workflow=workflow)

    response = _post_bulk(
        manager_client,
        [first, stuck, second],
        action="transition",
        transition="start_quote",
        confirmed="1",
        back="view=new",
    )

    assert response.redirect_chain == [(reverse("portals_manager:order_desk") + "?view=new", 302)]
    states = dict(Order.objects.values_list("pk", "state"))
    assert states == {first.pk: State.QUOTE, second.pk: State.QUOTE, stuck.pk: State.PRODUCTION}
    assert _messages(response) == [
        f"{stuck.number}: “Start quoting” is not possible while the order is in "
        "“Production / picking”.",
        "2 orders updated.",
    ]
    assert not OrderEvent.objects.filter(order=stuck).exists()
    assert (
        list(OrderEvent.objects.filter(order__in=[first, second]).values_list("action", "actor"))
        == [("start_quote", manager_client.manager.pk)] * 2
    )


def test_a_row_changed_after_the_confirmation_page_is_refused(manager_client):
    workflow = WorkflowFactory()
    changed, unchanged = OrderFactory.create_batch(2, state=State.REQUEST, workflow=workflow)

    response = _post_bulk(
        manager_client,
        [changed, unchanged],
        action="transition",
        transition="start_quote",
        confirmed="1",
        **{
            f"version_{changed.pk}": changed.version - 1,
            f"version_{unchanged.pk}": unchanged.version,
        },
    )

    assert Order.objects.get(pk=changed.pk).state == State.REQUEST
    assert Order.objects.get(pk=unchanged.pk).state == State.QUOTE
    assert _messages(response)[0].startswith(f"{changed.number}: ")
    assert _messages(response)[1] == "1 order updated."


def test_bulk_assign_manager_goes_through_the_service(manager_client):
    orders = OrderFactory.create_batch(2)
    colleague = UserFactory(role=Role.MANAGER)

    response = _post_bulk(
        manager_client, orders, action="assign", manager=colleague.pk, confirmed="1"
    )

    assert set(Order.objects.values_list("manager", flat=True)) == {colleague.pk}
    assert OrderEvent.objects.filter(action="manager_assigned").count() == 2
    assert _messages(response) == ["2 orders updated."]


def test_cancelling_in_bulk_needs_a_reason(manager_client):
    order = OrderFactory(state=State.REQUEST)

    response = _post_bulk(
        manager_client, [order], action="transition", transition="cancel", confirmed="1"
    )

    assert _messages(response) == ["Reason: Give a reason."]
    assert Order.objects.get(pk=order.pk).state == State.REQUEST
    assert not OrderEvent.objects.exists()


def test_the_director_may_not_act_in_bulk(client):
    order = OrderFactory(state=State.REQUEST)
    client.force_login(UserFactory(role=Role.DIRECTOR))

    desk = client.get(reverse("portals_manager:order_desk"))
    response = client.post(
        BULK_URL,
        {
            "orders": [order.pk],
            "action": "transition",
            "transition": "cancel",
            "reason": "x",
            "confirmed": "1",
        },
    )

    assert desk.context["bulk_options"] is None
    assert 'name="orders"' not in desk.content.decode()
    assert response.status_code == 403
    assert Order.objects.get(pk=order.pk).state == State.REQUEST


def test_warehouse_is_offered_only_its_own_steps(client):
    client.force_login(UserFactory(role=Role.WAREHOUSE))

    desk = client.get(reverse("portals_manager:order_desk"))

    names = [name for name, _label in desk.context["bulk_options"]["transition"]]
    assert sorted(names) == ["", "ship", "start_production"]


# Live refresh of new requests


def test_new_requests_fragment_counts_requests_placed_since_the_page_loaded(
    manager_client, django_assert_max_num_queries
):
    OrderFactory(state=State.REQUEST)  # already on the page
    since = timezone.now()
    OrderFactory(state=State.REQUEST)
    OrderFactory(state=State.NEW, kind=OrderKind.SUPPORT)
    OrderFactory(state=State.QUOTE)  # already taken up: not waiting

    with django_assert_max_num_queries(5):
        response = manager_client.get(NEW_REQUESTS_URL, {"since": since.isoformat()})

    assert response.context["count"] == 2
    assert "2 new requests since you loaded the page" in response.content.decode()


def test_new_requests_fragment_is_empty_without_news_and_refuses_a_bad_time(manager_client):
    since = timezone.now()

    quiet = manager_client.get(NEW_REQUESTS_URL, {"since": since.isoformat()})
    bad = manager_client.get(NEW_REQUESTS_URL, {"since": "yesterday"})
    naive = manager_client.get(NEW_REQUESTS_URL, {"since": "2025-03-03T10:00:00"})

    assert quiet.context["count"] == 0
    assert quiet.content.decode().strip() == ""
    assert (bad.status_code, naive.status_code) == (400, 400)


def test_the_desk_polls_for_new_requests(manager_client):
    response = manager_client.get(reverse("portals_manager:order_desk"))

    content = response.content.decode()
    assert f'hx-get="{NEW_REQUESTS_URL}?since=' in content
    assert 'hx-trigger="every 20s"' in content


def test_clients_cannot_poll_the_desk(client):
    client.force_login(ContactFactory().user)

    response = client.get(NEW_REQUESTS_URL, {"since": timezone.now().isoformat()})

    assert response.status_code == 403
