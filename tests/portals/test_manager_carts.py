from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from carts.models import Cart
from carts.services import cart_add_item, cart_remove_line, cart_submit
from tests.catalog.factories import ItemFactory
from tests.factories import ContactFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/manager/carts/"


@pytest.fixture
def manager_browser(db):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(UserFactory(role=Role.MANAGER))
    return client


def _cart(*, days_ago=0, submitted=False, empty=False):
    contact = ContactFactory()
    line = cart_add_item(by=contact.user, item=ItemFactory(price="100.00"), quantity=3)
    if submitted:
        cart_submit(by=contact.user, cart=line.cart)
    if empty:
        cart_remove_line(by=contact.user, line=line)
    Cart.objects.filter(pk=line.cart_id).update(
        updated_at=timezone.now() - timedelta(days=days_ago)
    )
    return Cart.objects.get(pk=line.cart_id)


def _statuses(response):
    return [(row.cart.pk, row.is_abandoned) for row in response.context["rows"]]


def test_reverse_gives_the_url():
    assert reverse("portals_manager:cart_list") == URL


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.MANAGER, 200), (Role.ADMIN, 200), (Role.DIRECTOR, 403), (Role.WAREHOUSE, 403)],
)
def test_only_staff_who_process_orders_see_carts(role, status):
    client = Client()
    client.force_login(UserFactory(role=role))

    assert client.get(URL).status_code == status


def test_clients_and_anonymous_users_do_not(db):
    client = Client()
    assert client.get(URL).status_code == 302
    client.force_login(ContactFactory().user)
    assert client.get(URL).status_code == 403


def test_open_abandoned_and_submitted_carts(manager_browser):
    fresh = _cart(days_ago=1)
    stale = _cart(days_ago=10)
    submitted = _cart(submitted=True, days_ago=20)
    _cart(empty=True)

    everything = manager_browser.get(URL)
    abandoned = manager_browser.get(URL, {"status": "abandoned"})
    open_carts = manager_browser.get(URL, {"status": "open"})
    done = manager_browser.get(URL, {"status": "submitted"})

    assert _statuses(everything) == [(fresh.pk, False), (stale.pk, True), (submitted.pk, False)]
    assert _statuses(abandoned) == [(stale.pk, True)]
    assert _statuses(open_carts) == [(fresh.pk, False)]
    assert _statuses(done) == [(submitted.pk, False)]
    row = everything.context["rows"][1]
    assert (row.cart.line_count, row.value) == (1, 300)
    page = everything.content.decode()
    assert page.count('data-status="abandoned"') == 1
    assert submitted.order.number in page
    assert stale.contact.customer.name in page


def test_the_list_costs_the_same_queries_for_50_carts_as_for_5(manager_browser):
    def queries_for(count):
        while Cart.objects.count() < count:
            _cart(days_ago=Cart.objects.count() % 7, submitted=Cart.objects.count() % 3 == 0)
        with CaptureQueriesContext(connection) as captured:
            response = manager_browser.get(URL)
        assert len(response.context["rows"]) == count
        return len(captured)

    five = queries_for(5)
    fifty = queries_for(50)

    assert fifty <= five
