"""What the portals' two ways of creating an order cost in SQL statements, with three lines:
the manager's new-order page and the client's cart. Both go through `order_create`."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from carts.models import Cart
from carts.services import cart_add_item
from notifications.models import OutboxMessage
from orders.models import Order, OrderEvent
from orders.numbering import order_number_next
from tests.catalog.factories import CategoryFactory, ItemFactory, OrderFormFieldFactory
from tests.factories import ContactFactory, CustomerFactory, UserFactory

# Transactional, as in production: inside a test's transaction every atomic block would add
# a SAVEPOINT and a RELEASE that a request never sends.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("role_groups")]


def _statements(budget: int, *, transactions: int = 1) -> int:
    # `budget` counts the work; each transaction adds its BEGIN and COMMIT, which both
    # backends send as statements of their own (SQLite's is `BEGIN IMMEDIATE`, see settings).
    return budget + 2 * transactions


@pytest.fixture
def items():
    furniture = CategoryFactory(name="Мебель")
    OrderFormFieldFactory(category=furniture, name="color")
    sofa = ItemFactory(category=furniture, price=Decimal("45000.00"))
    OrderFormFieldFactory(item=sofa, name="fabric", choice=True, required=True)
    return [sofa, ItemFactory(category=furniture), ItemFactory()]


def _intake_data(customer, items, **overrides):
    data = {
        "customer": str(customer.pk),
        "kind": "product",
        "channel": Order.Channel.PHONE,
        "contact": "",
        "delivery_method": "pickup",
        "delivery_address": "",
        "payment_terms": "",
        "service_date": "",
        "service_place": "",
        "comment": "",
        "cat-TOTAL_FORMS": "3",
        "cat-INITIAL_FORMS": "0",
        "cat-MIN_NUM_FORMS": "0",
        "cat-MAX_NUM_FORMS": "50",
        "cat-0-of-fabric": "Велюр",
        "free-TOTAL_FORMS": "0",
        "free-INITIAL_FORMS": "0",
        "free-MIN_NUM_FORMS": "0",
        "free-MAX_NUM_FORMS": "50",
        **overrides,
    }
    for index, item in enumerate(items):
        data[f"cat-{index}-item"] = str(item.pk)
        data[f"cat-{index}-quantity"] = "2"
    return data


def test_the_managers_new_order_with_three_lines_costs_a_fixed_number_of_statements(
    items, django_assert_max_num_queries
):
    manager = UserFactory(role=Role.MANAGER)
    browser = Client()
    browser.force_login(manager)
    customer = CustomerFactory()
    url = reverse("portals_manager:order_new")
    assert browser.post(url, _intake_data(customer, items, comment="1")).status_code == 302

    # session, user, permissions, customer (twice: the page's and the form's), items and their
    # order forms for the rows, each row's item, the categories of those, then what
    # `order_create` costs (order forms, workflow, number, order, lines, event, its stage stay,
    # outbox row, stage-task rules).
    with django_assert_max_num_queries(_statements(20)):
        response = browser.post(url, _intake_data(customer, items, comment="2"))

    assert response.status_code == 302
    order = Order.objects.get(comment="2")
    assert order.lines.count() == 3
    assert OrderEvent.objects.filter(order=order, action="created").count() == 1
    assert OutboxMessage.objects.filter(topic="order.created", aggregate_id=order.pk).exists()


def test_a_clients_cart_of_three_lines_becomes_an_order_for_a_fixed_number_of_statements(
    items, django_assert_max_num_queries
):
    contact = ContactFactory()
    browser = Client()
    browser.force_login(contact.user)
    for item in items:
        values = {"fabric": "Велюр"} if item == items[0] else {}
        cart_add_item(by=contact.user, item=item, quantity=1, custom_values=values)
    cart = Cart.objects.get()
    order_number_next(year=timezone.localdate().year)  # the year's counter, made once a year

    # session, user, permissions, contact, cart, lines (twice: the page's and the claim's),
    # the claim, offers, customer, then `order_create` (in the cart's transaction: a
    # savepoint), the cart's link to its order; the session is saved in a second transaction.
    with django_assert_max_num_queries(_statements(22, transactions=2)):
        response = browser.post(reverse("portals_client:cart_submit"), {"cart": cart.pk})

    assert response.status_code == 302
    order = Order.objects.get()
    assert order.lines.count() == 3
    assert OrderEvent.objects.filter(order=order, action="created").count() == 1
    assert Cart.objects.get().order == order
