from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from orders.lifecycle import State
from orders.models import Order, OrderEvent
from tests.factories import ContactFactory, CustomerFactory, UserFactory
from tests.orders.factories import OrderFactory, QuoteFactory, WorkflowFactory

pytestmark = pytest.mark.django_db


def test_client_users_cannot_open_the_desk_or_an_order(client):
    contact = ContactFactory()
    order = OrderFactory(customer=contact.customer)
    client.force_login(contact.user)

    assert client.get(reverse("portals_manager:order_desk")).status_code == 403
    assert client.get(reverse("portals_manager:order_page", args=[order.pk])).status_code == 403
    response = client.post(
        reverse("portals_manager:order_transition", args=[order.pk, "cancel"]),
        {"state": "request", "reason": "x"},
    )
    assert response.status_code == 403
    assert Order.objects.get(pk=order.pk).state == State.REQUEST


def test_desk_lists_newest_first_with_a_fixed_number_of_queries(
    manager_client, django_assert_max_num_queries
):
    orders = OrderFactory.create_batch(
        60, workflow=WorkflowFactory(), manager=manager_client.manager
    )

    with django_assert_max_num_queries(8):
        first = manager_client.get(reverse("portals_manager:order_desk"))
    second = manager_client.get(
        reverse("portals_manager:order_desk"), {"before": first.context["next_before"]}
    )

    first_ids = [order.pk for order in first.context["orders"]]
    second_ids = [order.pk for order in second.context["orders"]]
    assert first_ids == sorted((order.pk for order in orders), reverse=True)[:50]
    assert second_ids == sorted((order.pk for order in orders), reverse=True)[50:]
    assert second.context["next_before"] is None


def test_desk_search_and_saved_views(manager_client):
    mine = OrderFactory(
        customer=CustomerFactory(name="ООО «Альфа»"), manager=manager_client.manager
    )
    other = OrderFactory(
        customer=CustomerFactory(name="ООО «Бета»"), state=State.QUOTE, tracking_number="TRK-1"
    )
    url = reverse("portals_manager:order_desk")

    def numbers(params):
        return [order.number for order in manager_client.get(url, params).context["orders"]]

    assert numbers({"q": "альфа"}) == [mine.number]
    assert numbers({"q": "trk-1"}) == [other.number]
    assert numbers({"view": "mine"}) == [mine.number]
    assert numbers({"view": "new"}) == [mine.number]
    assert numbers({"state": "quote"}) == [other.number]
    assert numbers({"q": "нет-такого"}) == []


def test_order_page_shows_only_allowed_transitions_with_bounded_queries(
    manager_client, django_assert_max_num_queries
):
    order = OrderFactory(state=State.REQUEST, workflow=WorkflowFactory())
    for version in (1, 2):
        QuoteFactory(order=order, version=version, status="superseded")

    # Session, user, permissions; the order (with whether it has refunds, documents or
    # tasks: it has none, so none of them is read), its lines, events, quotes, payments and
    # invoices; the details form one for the customer's other orders.
    with django_assert_max_num_queries(10):
        response = manager_client.get(reverse("portals_manager:order_page", args=[order.pk]))

    names = [option.name for option in response.context["transitions"]]
    assert names == ["cancel", "start_quote"]


def test_transition_button_moves_the_order_through_the_service(manager_client):
    order = OrderFactory(state=State.REQUEST, workflow=WorkflowFactory())

    response = manager_client.post(
        reverse("portals_manager:order_transition", args=[order.pk, "start_quote"]),
        {"state": "request"},
        follow=True,
    )

    assert Order.objects.get(pk=order.pk).state == State.QUOTE
    assert OrderEvent.objects.get(order=order).actor == manager_client.manager
    draft = response.context["draft_quote"]
    manager_client.post(reverse("portals_manager:order_send_quote", args=[order.pk, draft.pk]))
    draft.refresh_from_db()
    assert draft.status == "sent"


def test_a_stale_page_gets_the_conflict_message_and_changes_nothing(manager_client):
    order = OrderFactory(state=State.QUOTE)

    response = manager_client.post(
        reverse("portals_manager:order_transition", args=[order.pk, "cancel"]),
        {"state": "request", "reason": "дубль"},
        follow=True,
    )

    assert Order.objects.get(pk=order.pk).state == State.QUOTE
    assert not OrderEvent.objects.exists()
    assert "Заказ уже изменил другой пользователь" in response.content.decode()


def test_cancel_without_reason_names_the_field(manager_client):
    order = OrderFactory(state=State.REQUEST)

    response = manager_client.post(
        reverse("portals_manager:order_transition", args=[order.pk, "cancel"]),
        {"state": "request", "reason": ""},
        follow=True,
    )

    assert Order.objects.get(pk=order.pk).state == State.REQUEST
    assert "Причина: Укажите причину." in response.content.decode()


def test_delivery_details_are_saved_through_the_service(manager_client):
    order = OrderFactory(state=State.DELIVERY)

    manager_client.post(
        reverse("portals_manager:order_delivery", args=[order.pk]),
        {
            "status": "in_transit",
            "carrier": "СДЭК",
            "tracking_number": "12345",
            "expected_date": (timezone.localdate() + timedelta(days=3)).isoformat(),
        },
    )

    order.refresh_from_db()
    assert (order.delivery_status, order.carrier, order.tracking_number) == (
        "in_transit",
        "СДЭК",
        "12345",
    )
    assert OrderEvent.objects.get(order=order).action == "delivery_updated"


def test_bad_delivery_date_is_reported_and_nothing_changes(manager_client):
    order = OrderFactory(state=State.DELIVERY)

    response = manager_client.post(
        reverse("portals_manager:order_delivery", args=[order.pk]),
        {"expected_date": "not-a-date"},
        follow=True,
    )

    assert not OrderEvent.objects.exists()
    assert response.status_code == 200
    assert len(list(response.context["messages"])) == 1


def test_customer_card_shows_orders_history_and_money_with_bounded_queries(
    manager_client, django_assert_max_num_queries
):
    customer = CustomerFactory(name="ООО «Карточка»")
    for _ in range(5):
        ContactFactory(customer=customer)
    orders = OrderFactory.create_batch(5, customer=customer)
    customer.ledger_entries.create(kind="payment", amount="500.00")
    from orders.services import payment_record

    payment_record(order=orders[0], amount=100, by=None)

    with django_assert_max_num_queries(15):
        response = manager_client.get(reverse("portals_manager:customer_card", args=[customer.pk]))

    page = response.content.decode()
    assert response.context["customer"].balance == 500
    assert len(response.context["orders"]) == 5
    assert [event.action for event in response.context["events"]] == ["payment_recorded"]
    assert "ООО «Карточка»" in page


@pytest.mark.parametrize("role", [Role.WAREHOUSE, Role.COURIER])
def test_customer_card_needs_the_customer_permission(client, role):
    client.force_login(UserFactory(role=role))

    response = client.get(reverse("portals_manager:customer_card", args=[CustomerFactory().pk]))

    assert response.status_code == 403


def test_a_nul_character_in_the_reason_is_refused_not_a_server_error(manager_client):
    order = OrderFactory(state=State.REQUEST)

    response = manager_client.post(
        reverse("portals_manager:order_transition", args=[order.pk, "cancel"]),
        {"state": "request", "reason": "дубль\x00"},
        follow=True,
    )

    assert response.status_code == 200
    assert Order.objects.get(pk=order.pk).state == State.REQUEST
    assert not OrderEvent.objects.exists()
    assert len(list(response.context["messages"])) == 1
