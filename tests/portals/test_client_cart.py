from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from carts.models import Cart, CartLine
from carts.services import cart_add_item, cart_submit
from catalog.models import SpecialOffer
from notifications.models import OutboxMessage
from orders.models import Order
from tests.catalog.factories import CategoryFactory, ItemFactory, OrderFormFieldFactory
from tests.factories import ContactFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(db):
    return ContactFactory()


@pytest.fixture
def browser(contact):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(contact.user)
    return client


@pytest.fixture
def sofa(db):
    sofa = ItemFactory(name="Диван «Комфорт»", price="45000.00")
    OrderFormFieldFactory(
        item=sofa, name="fabric", label="Ткань обивки", choice=True, required=True
    )
    return sofa


def _fill(contact, sofa, quantity=2):
    return cart_add_item(
        by=contact.user, item=sofa, quantity=quantity, custom_values={"fabric": "Велюр"}
    )


def _urls(line):
    return [
        reverse("portals_client:cart_line_update", args=[line.pk]),
        reverse("portals_client:cart_line_remove", args=[line.pk]),
    ]


# Access


def test_anonymous_user_is_sent_to_login(contact, sofa):
    line = _fill(contact, sofa)
    client = Client()
    gets = [
        reverse("portals_client:cart"),
        reverse("portals_client:cart_confirmation", args=[line.cart_id]),
    ]
    posts = [reverse("portals_client:cart_submit"), *_urls(line)]

    responses = [client.get(url) for url in gets] + [client.post(url) for url in posts]

    for response in responses:
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))
    assert CartLine.objects.get().quantity == Decimal("2")


def test_staff_without_the_client_portal_gets_403(contact, sofa):
    line = _fill(contact, sofa)
    client = Client()
    client.force_login(UserFactory(role=Role.MANAGER))

    assert client.get(reverse("portals_client:cart")).status_code == 403
    for url in [reverse("portals_client:cart_submit"), *_urls(line)]:
        assert client.post(url, {"quantity": 1, "cart": line.cart_id}).status_code == 403
    assert (CartLine.objects.get().quantity, Order.objects.count()) == (Decimal("2"), 0)


def test_another_clients_cart_line_is_404_and_nothing_changes(browser, sofa):
    other = ContactFactory()
    line = _fill(other, sofa)

    for url in _urls(line):
        response = browser.post(url, {"quantity": "7"})
        assert response.status_code == 404, url
    assert (
        browser.post(reverse("portals_client:cart_submit"), {"cart": line.cart_id}).status_code
        == 302
    )

    assert CartLine.objects.get().quantity == Decimal("2")
    assert Cart.objects.get().status == Cart.Status.OPEN
    assert Order.objects.count() == 0


def test_a_colleagues_cart_and_confirmation_are_404(browser, contact, sofa):
    colleague = ContactFactory(customer=contact.customer)
    line = _fill(colleague, sofa)
    cart_submit(by=colleague.user, cart=line.cart)

    confirmation = reverse("portals_client:cart_confirmation", args=[line.cart_id])
    assert browser.get(confirmation).status_code == 404
    assert browser.post(_urls(line)[0], {"quantity": "7"}).status_code == 404


# The cart page


def test_the_cart_page_shows_lines_values_offers_and_total(browser, contact, sofa):
    chair = ItemFactory(name="Стул «Вена»", price="6500.00")
    SpecialOffer.objects.create(
        title="Стулья дешевле",
        discount_percent=Decimal("20"),
        starts_on=timezone.localdate() - timedelta(days=1),
    ).items.add(chair)
    _fill(contact, sofa)
    cart_add_item(by=contact.user, item=chair, quantity=4)

    response = browser.get(reverse("portals_client:cart"))

    page = response.content.decode()
    assert [(row.line.item.name, row.total) for row in response.context["rows"]] == [
        ("Диван «Комфорт»", Decimal("90000.00")),
        ("Стул «Вена»", Decimal("20800.00")),
    ]
    assert response.context["total"] == Decimal("110800.00")
    assert "Ткань обивки: Велюр" in page
    assert "−20% · Стулья дешевле" in page
    assert 'data-testid="cart-count">2<' in page


def test_an_empty_cart_says_so(browser):
    response = browser.get(reverse("portals_client:cart"))

    assert response.status_code == 200
    assert "Your cart is empty." in response.content.decode()
    assert not Cart.objects.exists()


def test_the_cart_page_costs_the_same_queries_for_50_lines_as_for_5(browser, contact):
    category = CategoryFactory()
    SpecialOffer.objects.create(
        title="Всё дешевле",
        discount_percent=Decimal("5"),
        starts_on=timezone.localdate(),
        category=category,
    )

    def queries_for(count):
        while CartLine.objects.count() < count:
            item = ItemFactory(category=category if CartLine.objects.count() % 2 else None)
            cart_add_item(by=contact.user, item=item, quantity=1)
        with CaptureQueriesContext(connection) as captured:
            response = browser.get(reverse("portals_client:cart"))
        assert len(response.context["rows"]) == count
        return len(captured)

    five = queries_for(5)
    fifty = queries_for(50)

    assert fifty <= five


# Changing lines


def test_update_and_remove_own_lines(browser, contact, sofa):
    line = _fill(contact, sofa)

    updated = browser.post(_urls(line)[0], {"quantity": "3"}, follow=True)
    refused = browser.post(_urls(line)[0], {"quantity": "-1"}, follow=True)

    assert CartLine.objects.get().quantity == Decimal("3")
    assert updated.redirect_chain == [(reverse("portals_client:cart"), 302)]
    assert "Диван «Комфорт»: Ensure this value is greater than or equal to 0.001." in (
        refused.content.decode()
    )

    removed = browser.post(_urls(line)[1], follow=True)

    assert not CartLine.objects.exists()
    assert "“Диван «Комфорт»” was removed." in removed.content.decode()


# Submitting


def test_submit_shows_the_confirmation_with_the_order_and_the_manager(browser, contact, sofa):
    manager = UserFactory(
        role=Role.MANAGER, first_name="Ольга", last_name="Смирнова", phone="+7 900 000-00-01"
    )
    contact.customer.manager = manager
    contact.customer.save()
    line = _fill(contact, sofa)

    response = browser.post(
        reverse("portals_client:cart_submit"),
        {"cart": line.cart_id, "comment": "Позвоните заранее"},
        follow=True,
    )

    order = Order.objects.get()
    confirmation = reverse("portals_client:cart_confirmation", args=[line.cart_id])
    assert response.redirect_chain == [(confirmation, 302)]
    page = response.content.decode()
    assert f"Thank you! Your order {order.number} is received." in page
    assert "Request (pre-order)" in page
    assert "Ткань обивки: Велюр" in page
    assert "Your manager: <strong>Ольга Смирнова</strong>" in page
    assert "+7 900 000-00-01" in page
    assert reverse("portals_client:order_page", args=[order.pk]) in page
    assert (order.state, order.comment, order.manager) == ("request", "Позвоните заранее", manager)
    assert Cart.objects.get().status == Cart.Status.SUBMITTED


def test_without_a_manager_the_confirmation_gives_a_general_contact_line(browser, contact, sofa):
    line = _fill(contact, sofa)

    response = browser.post(
        reverse("portals_client:cart_submit"), {"cart": line.cart_id}, follow=True
    )

    assert "A manager will contact you shortly to confirm the order." in response.content.decode()


def test_submitting_twice_makes_one_order_and_shows_the_same_confirmation(browser, contact, sofa):
    line = _fill(contact, sofa)
    url = reverse("portals_client:cart_submit")

    first = browser.post(url, {"cart": line.cart_id})
    second = browser.post(url, {"cart": line.cart_id})

    assert first.status_code == second.status_code == 302
    assert (
        first.url == second.url == reverse("portals_client:cart_confirmation", args=[line.cart_id])
    )
    assert Order.objects.count() == 1
    assert OutboxMessage.objects.filter(topic="order.created").count() == 1


def test_a_refused_submit_says_why_and_keeps_the_cart(browser, contact, sofa):
    line = _fill(contact, sofa)
    sofa.is_active = False
    sofa.save()

    response = browser.post(
        reverse("portals_client:cart_submit"), {"cart": line.cart_id}, follow=True
    )

    assert response.redirect_chain == [(reverse("portals_client:cart"), 302)]
    assert "Диван «Комфорт»: This item is no longer sold." in response.content.decode()
    assert Cart.objects.get().status == Cart.Status.OPEN
    assert Order.objects.count() == 0


def test_submitting_needs_the_csrf_token(contact, sofa):
    line = _fill(contact, sofa)
    client = Client(enforce_csrf_checks=True)
    client.force_login(contact.user)

    response = client.post(reverse("portals_client:cart_submit"), {"cart": line.cart_id})

    assert response.status_code == 403
    assert Order.objects.count() == 0
