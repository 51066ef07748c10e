"""The figure a cart shows, to its client and on the managers' carts page, is what the
order placed from it comes to: one pricing (`catalog.pricing`) for both."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from carts.models import Cart
from carts.services import cart_add_item, cart_submit
from catalog.models import SpecialOffer
from tests.catalog.factories import ItemFactory
from tests.factories import ContactFactory, UserFactory

pytestmark = pytest.mark.django_db


def _offer(percent, *items, ends_on=None):
    today = timezone.localdate()
    offer = SpecialOffer.objects.create(
        code=f"offer-{percent}",
        title=f"Скидка {percent}%",
        discount_percent=Decimal(percent),
        starts_on=today - timedelta(days=3),
        ends_on=ends_on,
    )
    offer.items.set(items)
    return offer


def _manager_page_values(manager_browser) -> dict[int, Decimal]:
    response = manager_browser.get(reverse("portals_manager:cart_list"))
    return {row.cart.pk: row.value for row in response.context["rows"]}


def test_a_discounted_customer_with_an_offer_sees_the_order_total_before_checkout():
    # A customer with a standing discount (a manager's quote default, not a cart price).
    contact = ContactFactory(customer__discount_percent=Decimal("7"))
    desk = ItemFactory(price=Decimal("40000.00"))
    chair = ItemFactory(price=Decimal("4500.00"))
    _offer("15", desk)
    cart_add_item(by=contact.user, item=desk, quantity=1)
    line = cart_add_item(by=contact.user, item=chair, quantity=8)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(contact.user)
    manager_browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    manager_browser.force_login(UserFactory(role=Role.MANAGER))

    cart_page = client.get(reverse("portals_client:cart"))
    shown_to_client = cart_page.context["total"]
    shown_to_manager = _manager_page_values(manager_browser)[line.cart_id]
    order = cart_submit(by=contact.user, cart=Cart.objects.get(pk=line.cart_id))
    shown_after = _manager_page_values(manager_browser)[line.cart_id]

    # 40,000 less 15% and 8 × 4,500 at list price: not 76,000 at list prices.
    assert order.total == Decimal("70000.00")
    assert shown_to_client == shown_to_manager == order.total == shown_after


def test_an_ended_offer_is_in_neither_the_cart_nor_the_order():
    contact = ContactFactory()
    item = ItemFactory(price=Decimal("1000.00"))
    _offer("10", item, ends_on=timezone.localdate() - timedelta(days=1))
    line = cart_add_item(by=contact.user, item=item, quantity=3)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(contact.user)

    shown = client.get(reverse("portals_client:cart")).context["total"]
    order = cart_submit(by=contact.user, cart=Cart.objects.get(pk=line.cart_id))

    assert shown == order.total == Decimal("3000.00")


def test_the_carts_page_prices_any_number_of_carts_in_the_same_queries():
    manager_browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    manager_browser.force_login(UserFactory(role=Role.MANAGER))
    item = ItemFactory(price=Decimal("100.00"))
    _offer("5", item)

    def queries_for(count):
        while Cart.objects.count() < count:
            contact = ContactFactory()
            line = cart_add_item(by=contact.user, item=item, quantity=2)
            cart_add_item(by=contact.user, item=ItemFactory(), quantity=1)
            if Cart.objects.count() % 3 == 0:
                cart_submit(by=contact.user, cart=line.cart)
        with CaptureQueriesContext(connection) as captured:
            values = _manager_page_values(manager_browser)
        assert len(values) == count
        assert set(values.values()) == {Decimal("1190.00")}
        return len(captured)

    few = queries_for(3)
    many = queries_for(12)

    assert many <= few
