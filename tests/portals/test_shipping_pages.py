"""The "Ship" form of the order page, the courier's "My deliveries", the warehouse's
production queue and the carriers' admin pages: who may, what each click does, refusals
that change nothing, and a fixed number of queries per page."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from notifications.models import OutboxMessage
from orders.lifecycle import DeliveryStatus, State
from orders.models import Carrier, Order, OrderEvent, Workflow
from tests.factories import ContactFactory, UserFactory
from tests.orders.factories import OrderFactory, WorkflowFactory

pytestmark = pytest.mark.django_db


def _logged_in(client, role):
    user = UserFactory(role=role)
    client.force_login(user)
    return user


@pytest.fixture
def cdek():
    return Carrier.objects.get(name="СДЭК")


def _ship(client, order, **data):
    return client.post(
        reverse("portals_manager:order_ship", args=[order.pk]),
        {"state": order.state, **data},
    )


def test_the_order_page_offers_ship_as_a_form_with_the_active_carriers(client, cdek):
    _logged_in(client, Role.MANAGER)
    Carrier.objects.filter(name="Boxberry").update(is_active=False)
    order = OrderFactory(state=State.PRODUCTION, workflow=WorkflowFactory())

    page = client.get(reverse("portals_manager:order_page", args=[order.pk])).content.decode()

    assert 'data-testid="ship-form"' in page
    assert "СДЭК" in page
    assert "Boxberry" not in page


def test_a_manager_ships_with_carrier_tracking_and_date(client, cdek):
    _logged_in(client, Role.MANAGER)
    order = OrderFactory(state=State.PRODUCTION, workflow=WorkflowFactory(ships_by_carrier=True))

    response = _ship(
        client, order, carrier=cdek.pk, tracking_number="1001", expected_date="2031-01-02"
    )

    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.state, order.carrier, order.tracking_number) == (
        State.DELIVERY,
        "СДЭК",
        "1001",
    )
    assert str(order.expected_delivery_date) == "2031-01-02"
    page = client.get(reverse("portals_manager:order_page", args=[order.pk])).content.decode()
    assert "https://www.cdek.ru/ru/tracking?order_id=1001" in page


def test_shipping_without_carrier_and_tracking_is_refused_with_field_errors(client):
    _logged_in(client, Role.WAREHOUSE)
    order = OrderFactory(state=State.PRODUCTION, workflow=WorkflowFactory(ships_by_carrier=True))

    response = _ship(client, order, carrier="", tracking_number="")

    assert response.status_code == 200
    form = response.context["ship_form"]
    assert set(form.errors) == {"carrier", "tracking_number"}
    assert 'data-testid="ship-error-carrier"' in response.content.decode()
    stored = Order.objects.get(pk=order.pk)
    assert (stored.state, stored.version) == (State.PRODUCTION, order.version)
    assert not OrderEvent.objects.filter(order=order).exists()
    assert not OutboxMessage.objects.filter(aggregate_id=order.pk).exists()


def test_a_stale_ship_form_is_refused_and_nothing_changes(client, cdek):
    _logged_in(client, Role.MANAGER)
    order = OrderFactory(state=State.PRODUCTION, workflow=WorkflowFactory())

    response = client.post(
        reverse("portals_manager:order_ship", args=[order.pk]),
        {"state": State.PAYMENT, "carrier": cdek.pk, "tracking_number": "1"},
    )

    assert response.status_code == 302
    stored = Order.objects.get(pk=order.pk)
    assert (stored.state, stored.tracking_number) == (State.PRODUCTION, "")
    assert not OrderEvent.objects.filter(order=order).exists()


@pytest.mark.parametrize("role", [Role.COURIER, Role.DIRECTOR])
def test_who_may_not_ship_gets_403_and_nothing_changes(client, cdek, role):
    _logged_in(client, role)
    order = OrderFactory(state=State.PRODUCTION, workflow=WorkflowFactory())

    response = _ship(client, order, carrier=cdek.pk, tracking_number="1")

    assert response.status_code == 403
    assert Order.objects.get(pk=order.pk).state == State.PRODUCTION
    assert not OrderEvent.objects.filter(order=order).exists()


def test_my_deliveries_lists_open_deliveries_in_bounded_queries(
    client, cdek, django_assert_max_num_queries
):
    _logged_in(client, Role.COURIER)
    later = OrderFactory.create_batch(
        3,
        state=State.DELIVERY,
        delivery_status=DeliveryStatus.IN_TRANSIT,
        expected_delivery_date="2031-03-01",
        shipping_carrier=cdek,
        carrier="СДЭК",
        tracking_number="9",
    )
    soonest = OrderFactory(
        state=State.DELIVERY,
        delivery_status=DeliveryStatus.HANDED_TO_CARRIER,
        expected_delivery_date="2031-01-01",
    )
    OrderFactory(state=State.DELIVERY, delivery_status=DeliveryStatus.HANDED_TO_CLIENT)
    OrderFactory(state=State.PRODUCTION)
    url = reverse("portals_manager:my_deliveries")

    with django_assert_max_num_queries(8):
        response = client.get(url)

    numbers = [order.number for order in response.context["page"].object_list]
    assert numbers == [soonest.number, *(order.number for order in later)]
    assert "https://www.cdek.ru/ru/tracking?order_id=9" in response.content.decode()

    OrderFactory.create_batch(40, state=State.DELIVERY, shipping_carrier=cdek)
    with django_assert_max_num_queries(8):
        client.get(url)
    second = client.get(url, {"page": 2})
    assert len(second.context["page"].object_list) == 44 - 30


def test_my_deliveries_when_there_are_none(client):
    _logged_in(client, Role.COURIER)

    response = client.get(reverse("portals_manager:my_deliveries"))

    assert 'data-testid="deliveries-empty"' in response.content.decode()


def test_a_courier_sets_a_sub_status_in_one_click(client):
    courier = _logged_in(client, Role.COURIER)
    order = OrderFactory(state=State.DELIVERY, delivery_status=DeliveryStatus.HANDED_TO_CARRIER)
    url = reverse("portals_manager:order_delivery_status", args=[order.pk])

    response = client.post(url, {"status": "with_courier", "next": "/manager/deliveries/"})

    assert response.status_code == 302
    assert response.url == "/manager/deliveries/"
    order.refresh_from_db()
    assert order.delivery_status == DeliveryStatus.WITH_COURIER
    assert OrderEvent.objects.get(order=order).actor == courier
    assert OutboxMessage.objects.filter(topic="order.delivery_status.with_courier").count() == 1


def test_an_unknown_sub_status_is_refused_and_nothing_changes(client):
    _logged_in(client, Role.COURIER)
    order = OrderFactory(state=State.DELIVERY, delivery_status=DeliveryStatus.IN_TRANSIT)

    client.post(
        reverse("portals_manager:order_delivery_status", args=[order.pk]), {"status": "lost"}
    )

    order.refresh_from_db()
    assert order.delivery_status == DeliveryStatus.IN_TRANSIT
    assert not OrderEvent.objects.filter(order=order).exists()


@pytest.mark.parametrize(
    ("role", "url_name", "status"),
    [
        (Role.WAREHOUSE, "my_deliveries", 403),
        (Role.COURIER, "production_queue", 403),
        (Role.DIRECTOR, "my_deliveries", 403),
        (Role.DIRECTOR, "production_queue", 403),
        (Role.MANAGER, "my_deliveries", 200),
        (Role.MANAGER, "production_queue", 200),
    ],
)
def test_who_may_open_the_queues(client, role, url_name, status):
    _logged_in(client, role)

    assert client.get(reverse(f"portals_manager:{url_name}")).status_code == status


def test_clients_may_not_open_the_queues_or_set_a_status(client):
    contact = ContactFactory()
    order = OrderFactory(customer=contact.customer, state=State.DELIVERY)
    client.force_login(contact.user)

    assert client.get(reverse("portals_manager:my_deliveries")).status_code == 403
    assert client.get(reverse("portals_manager:production_queue")).status_code == 403
    response = client.post(
        reverse("portals_manager:order_delivery_status", args=[order.pk]),
        {"status": "handed_to_client"},
    )
    assert response.status_code == 403
    assert Order.objects.get(pk=order.pk).delivery_status == ""


def test_the_production_queue_orders_by_expected_date_in_bounded_queries(
    client, django_assert_max_num_queries
):
    _logged_in(client, Role.WAREHOUSE)
    workflow = WorkflowFactory()
    undated = OrderFactory(state=State.PRODUCTION, workflow=workflow)
    late = OrderFactory(
        state=State.PRODUCTION, workflow=workflow, expected_delivery_date="2031-05-01"
    )
    soon = OrderFactory(
        state=State.PRODUCTION, workflow=workflow, expected_delivery_date="2031-01-01"
    )
    OrderFactory(state=State.DELIVERY, workflow=workflow)
    url = reverse("portals_manager:production_queue")

    with django_assert_max_num_queries(9):
        response = client.get(url)

    assert [o.number for o in response.context["page"].object_list] == [
        soon.number,
        late.number,
        undated.number,
    ]
    assert response.content.decode().count('data-testid="queue-ship"') == 3

    OrderFactory.create_batch(40, state=State.PRODUCTION, workflow=workflow)
    with django_assert_max_num_queries(9):
        client.get(url)


def test_the_production_queue_when_empty(client):
    _logged_in(client, Role.WAREHOUSE)

    response = client.get(reverse("portals_manager:production_queue"))

    assert 'data-testid="queue-empty"' in response.content.decode()


def test_shipping_from_the_queue_returns_to_it(client, cdek):
    _logged_in(client, Role.WAREHOUSE)
    order = OrderFactory(state=State.PRODUCTION, workflow=WorkflowFactory(ships_by_carrier=True))
    queue = reverse("portals_manager:production_queue")

    refused = _ship(client, order, carrier=cdek.pk, tracking_number="", next=queue)
    assert refused.url == queue
    assert Order.objects.get(pk=order.pk).state == State.PRODUCTION

    shipped = _ship(client, order, carrier=cdek.pk, tracking_number="TR-1", next=queue)
    assert shipped.url == queue
    assert Order.objects.get(pk=order.pk).state == State.DELIVERY


def test_the_client_sees_the_delivery_status_with_the_tracking_link(client, cdek):
    contact = ContactFactory()
    order = OrderFactory(
        customer=contact.customer,
        state=State.DELIVERY,
        delivery_status=DeliveryStatus.AT_PICKUP_POINT,
        carrier="СДЭК",
        shipping_carrier=cdek,
        tracking_number="555",
    )
    client.force_login(contact.user)

    page = client.get(reverse("portals_client:order_page", args=[order.pk])).content.decode()

    assert str(DeliveryStatus.AT_PICKUP_POINT.label) in page
    assert 'href="https://www.cdek.ru/ru/tracking?order_id=555"' in page


# The admin portal


def test_the_carrier_list_costs_the_same_with_more_carriers(client, django_assert_max_num_queries):
    _logged_in(client, Role.ADMIN)
    url = reverse("portals_admin:carrier_list")
    client.get(url)  # warm the session and permission caches

    with django_assert_max_num_queries(8):
        few = client.get(url)
    for number in range(30):
        Carrier.objects.create(
            name=f"Перевозчик {number}", tracking_url_pattern="https://t.example/{number}"
        )
    with django_assert_max_num_queries(8):
        many = client.get(url)

    assert len(many.context["carriers"]) == len(few.context["carriers"]) + 30


def test_admins_list_and_edit_carriers(client, cdek):
    _logged_in(client, Role.ADMIN)

    listing = client.get(reverse("portals_admin:carrier_list"))
    assert [c.name for c in listing.context["carriers"]][:2] == ["СДЭК", "Boxberry"]

    response = client.post(
        reverse("portals_admin:carrier_edit", args=[cdek.pk]),
        {
            "name": "СДЭК",
            "tracking_url_pattern": "https://www.cdek.ru/track?id={number}",
            "is_active": "on",
            "position": "5",
        },
    )
    assert response.status_code == 302
    cdek.refresh_from_db()
    assert cdek.tracking_url("1") == "https://www.cdek.ru/track?id=1"

    created = client.post(
        reverse("portals_admin:carrier_new"),
        {"name": "DPD", "tracking_url_pattern": "", "position": "70"},
    )
    assert created.status_code == 302
    assert not Carrier.objects.get(name="DPD").is_active


def test_a_bad_tracking_link_is_refused_on_the_form_and_nothing_changes(client, cdek):
    _logged_in(client, Role.ADMIN)
    before = cdek.tracking_url_pattern

    response = client.post(
        reverse("portals_admin:carrier_edit", args=[cdek.pk]),
        {"name": "СДЭК", "tracking_url_pattern": "https://cdek.ru/", "position": "1"},
    )

    assert response.status_code == 200
    assert "tracking_url_pattern" in response.context["form"].errors
    cdek.refresh_from_db()
    assert cdek.tracking_url_pattern == before


@pytest.mark.parametrize("role", [Role.MANAGER, Role.WAREHOUSE])
def test_only_admins_open_the_carriers(client, cdek, role):
    _logged_in(client, role)

    assert client.get(reverse("portals_admin:carrier_list")).status_code == 403
    response = client.post(
        reverse("portals_admin:carrier_edit", args=[cdek.pk]), {"name": "X", "position": "1"}
    )
    assert response.status_code == 403
    assert Carrier.objects.filter(name="СДЭК").exists()


def test_the_workflow_page_sets_shipping_by_carrier(client):
    _logged_in(client, Role.ADMIN)
    workflow = Workflow.objects.filter(kind="product").first()

    page = client.get(reverse("portals_admin:workflow_edit", args=[workflow.pk]))

    assert "ships_by_carrier" in page.context["form"].fields
