import pytest
from django.urls import reverse

from accounts.roles import Role
from orders.lifecycle import State
from orders.models import Order, OrderEvent
from tests.factories import UserFactory
from tests.orders.factories import OrderFactory, WorkflowFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_logged_in(client):
    client.force_login(UserFactory(role=Role.ADMIN, is_staff=True))
    return client


def test_order_page_shows_buttons_for_allowed_transitions(admin_client_logged_in):
    order = OrderFactory(state=State.REQUEST, workflow=WorkflowFactory())

    response = admin_client_logged_in.get(reverse("admin:orders_order_change", args=[order.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("admin:orders_order_transition", args=[order.pk, "start_quote"]) in page
    assert reverse("admin:orders_order_transition", args=[order.pk, "ship"]) not in page


def test_transition_button_goes_through_the_service(admin_client_logged_in):
    order = OrderFactory(state=State.REQUEST, workflow=WorkflowFactory())
    url = reverse("admin:orders_order_transition", args=[order.pk, "start_quote"])

    response = admin_client_logged_in.post(url, {"state": "request", "note": "из админки"})

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == State.QUOTE
    event = OrderEvent.objects.get(order=order)
    assert (event.action, event.note) == ("start_quote", "из админки")
    assert order.quotes.count() == 1


def test_stale_admin_page_gets_a_conflict_message(admin_client_logged_in):
    order = OrderFactory(state=State.QUOTE)
    url = reverse("admin:orders_order_transition", args=[order.pk, "cancel"])

    response = admin_client_logged_in.post(
        url, {"state": "request", "reason": "дубль"}, follow=True
    )

    assert Order.objects.get(pk=order.pk).state == State.QUOTE
    assert "Заказ уже изменил другой пользователь" in response.content.decode()
    assert not OrderEvent.objects.exists()


def test_cancel_without_reason_is_refused_with_the_field_named(admin_client_logged_in):
    order = OrderFactory(state=State.REQUEST)
    url = reverse("admin:orders_order_transition", args=[order.pk, "cancel"])

    response = admin_client_logged_in.post(url, {"state": "request", "reason": ""}, follow=True)

    assert Order.objects.get(pk=order.pk).state == State.REQUEST
    # The admin capitalises messages.
    assert "reason: укажите причину." in response.content.decode().lower()


def test_state_cannot_be_edited_or_orders_added_in_admin(admin_client_logged_in):
    order = OrderFactory(state=State.REQUEST)

    add = admin_client_logged_in.get(reverse("admin:orders_order_add"))
    admin_client_logged_in.post(
        reverse("admin:orders_order_change", args=[order.pk]), {"state": "closed"}
    )

    assert add.status_code == 403
    assert Order.objects.get(pk=order.pk).state == State.REQUEST


def test_admin_order_list_query_count(admin_client_logged_in, django_assert_max_num_queries):
    OrderFactory.create_batch(30)

    with django_assert_max_num_queries(12):
        response = admin_client_logged_in.get(reverse("admin:orders_order_changelist"))

    assert response.status_code == 200


def test_adding_a_second_business_calendar_opens_the_one_there_is(client):
    # The Django admin showed "Add" while there was none; the portal's calendar page made it.
    from orders.models import BusinessCalendar

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    calendar = BusinessCalendar.get()

    response = client.get(reverse("admin:orders_businesscalendar_add"))

    assert response.status_code == 302
    assert response.url == reverse("admin:orders_businesscalendar_change", args=[calendar.pk])
