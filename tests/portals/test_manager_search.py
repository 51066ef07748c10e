"""The manager portal's search box and its page: who may use it and what it shows."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from orders.lifecycle import OrderKind
from tests.factories import ContactFactory, CustomerFactory, UserFactory
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db

URL = reverse("portals_manager:search")


def _client(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def manager_client():
    return _client(UserFactory(role=Role.MANAGER))


def _group(response, name):
    return next((g for g in response.context["groups"] if g.name == name), None)


def test_results_come_grouped_with_the_query_kept_in_the_box(manager_client):
    customer = CustomerFactory(name="ООО «Ромашка»")
    order = OrderFactory(customer=customer)
    ticket = OrderFactory(customer=customer, kind=OrderKind.SUPPORT, state="new", subject="Сбой")

    response = manager_client.get(URL, {"q": "  ромашка "})

    assert response.status_code == 200
    assert _group(response, "orders").rows == [order]
    assert _group(response, "customers").rows == [customer]
    assert _group(response, "tickets").rows == [ticket]
    assert not _group(response, "orders").has_more
    page = response.content.decode()
    assert 'value="ромашка"' in page
    assert 'data-testid="header-search"' in page
    assert order.number in page
    assert ticket.number in page


def test_a_full_group_links_to_all_in_the_desk(manager_client):
    customer = CustomerFactory(name="ООО «Ромашка»")
    OrderFactory.create_batch(12, customer=customer)

    response = manager_client.get(URL, {"q": "ромашка"})

    orders = _group(response, "orders")
    assert len(orders.rows) == 10
    assert orders.has_more
    assert orders.all_url == "/manager/orders/?q=%D1%80%D0%BE%D0%BC%D0%B0%D1%88%D0%BA%D0%B0"
    assert 'data-testid="search-orders-all"' in response.content.decode()
    desk = manager_client.get(orders.all_url)
    assert len(desk.context["orders"]) == 12


def test_nothing_found_and_no_query_show_an_empty_state(manager_client):
    OrderFactory()

    empty = manager_client.get(URL, {"q": "нет-такого"})
    blank = manager_client.get(URL)

    assert 'data-testid="search-empty"' in empty.content.decode()
    assert not empty.context["found_any"]
    assert blank.context["groups"] == []


def test_a_client_gets_403_and_an_anonymous_user_the_login_page(client_user):
    OrderFactory(customer=ContactFactory(user=None).customer)

    assert _client(client_user).get(URL, {"q": "1"}).status_code == 403
    anonymous = Client().get(URL, {"q": "1"})
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login"))


def test_the_header_box_shows_only_to_manager_portal_staff(client_user, manager_client):
    home = reverse("home")

    assert (
        'data-testid="header-search"'
        not in _client(client_user).get(home, follow=True).content.decode()
    )
    assert (
        'data-testid="header-search"'
        in manager_client.get(reverse("portals_manager:home")).content.decode()
    )


def test_staff_who_may_not_see_every_order_find_no_orders_and_no_customers(db):
    OrderFactory(customer=CustomerFactory(name="ООО «Ромашка»"))
    courier = UserFactory(role=Role.COURIER)
    courier.groups.first().permissions.remove(
        *courier.groups.first().permissions.filter(codename="view_all_orders")
    )

    response = _client(UserFactory._meta.model.objects.get(pk=courier.pk)).get(
        URL, {"q": "ромашка"}
    )

    assert response.status_code == 200
    assert _group(response, "orders").rows == []
    assert _group(response, "customers") is None  # a courier may not view customers
    assert not response.context["found_any"]


def test_the_page_costs_a_fixed_number_of_queries(manager_client, django_assert_max_num_queries):
    customer = CustomerFactory(name="ООО «Ромашка»")
    OrderFactory.create_batch(3, customer=customer)
    with django_assert_max_num_queries(12) as few:
        manager_client.get(URL, {"q": "ромашка"})
    for n in range(20):
        OrderFactory(customer=CustomerFactory(name=f"ООО «Ромашка {n}»"))
        OrderFactory(customer=customer, kind=OrderKind.SUPPORT, state="new", subject="Ромашка")

    with django_assert_max_num_queries(len(few.captured_queries)):
        manager_client.get(URL, {"q": "ромашка"})


def test_the_customer_list_behind_show_all_finds_what_the_box_found(manager_client):
    wanted = CustomerFactory(phone="+79123456789")
    CustomerFactory(phone="+74951234567")

    response = manager_client.get(URL, {"q": "8 (912) 345-67-89"})
    listed = manager_client.get(_group(response, "customers").all_url)

    assert _group(response, "customers").rows == [wanted]
    assert list(listed.context["customers"]) == [wanted]
