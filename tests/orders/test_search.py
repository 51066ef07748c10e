"""The search box's selectors: what a query finds, and for whom."""

from decimal import Decimal

import pytest
from django.db import connection

from accounts.roles import Role
from customers.selectors import customer_search_results
from orders.lifecycle import OrderKind
from orders.models import OrderLine
from orders.numbering import order_numbers_for_query
from orders.selectors import SEARCH_GROUP_SIZE, order_desk_list, order_search_results
from tests.catalog.factories import ItemFactory
from tests.factories import ContactFactory, CustomerFactory, UserFactory
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def _numbers(orders):
    return [order.number for order in orders]


def _line(order, name, item=None):
    return OrderLine.objects.create(
        order=order,
        position=order.lines.count() + 1,
        item=item,
        name=name,
        quantity=Decimal("1"),
        unit="шт",
        unit_price=Decimal("10.00"),
        vat_rate=20,
        line_total=Decimal("10.00"),
    )


@pytest.fixture
def staff(db):
    return UserFactory(role=Role.MANAGER)


def test_a_number_is_found_in_three_forms_and_exactly_not_as_a_prefix(staff):
    eighth = OrderFactory(number="2025-000008")
    OrderFactory(number="2025-000080")
    OrderFactory(number="2025-000081")

    for query in ("2025-000008", "000008", "8", "2025-8"):
        assert _numbers(order_search_results(user=staff, query=query)) == [eighth.number], query


def test_order_numbers_for_query_are_the_sequence_part_of_each_year():
    assert order_numbers_for_query("2026-000008", this_year=2026) == ["2026-000008"]
    assert order_numbers_for_query("8", this_year=2001) == ["2000-000008", "2001-000008"]
    assert order_numbers_for_query("0", this_year=2026) == []
    assert order_numbers_for_query("Ромашка", this_year=2026) == []


def test_the_exact_number_comes_first_then_the_newest(staff):
    exact = OrderFactory(number="2025-001234")
    newer = OrderFactory(customer=CustomerFactory(phone="+79161001234"))

    assert _numbers(order_search_results(user=staff, query="001234")) == [
        exact.number,
        newer.number,
    ]


@pytest.mark.parametrize(
    ("field", "value", "query"),
    [
        ("name", "ООО «Ромашка»", "Ромашка"),
        ("name", "Horns and Hooves LLC", "hooves"),
        ("inn", "7707083893", "7707083893"),
        ("email", "buyer@romashka.example.com", "ROMASHKA.example"),
        ("phone", "+79123456789", "8 (912) 345-67-89"),
        ("phone", "+79123456789", "345-67-89"),
    ],
)
def test_orders_and_customers_are_found_by_the_customer(staff, field, value, query):
    customer = CustomerFactory(**{field: value})
    order = OrderFactory(customer=customer)
    OrderFactory()

    assert _numbers(order_search_results(user=staff, query=query)) == [order.number]
    assert customer_search_results(query=query) == [customer]


@pytest.mark.parametrize(
    ("field", "value", "query"),
    [
        ("name", "Пётр Сидоров", "Сидоров"),
        ("email", "petr@supplier.example.com", "PETR@supplier"),
        ("phone", "+79031234567", "+7 903 123 45 67"),
        ("phone", "+79031234567", "1234567"),
    ],
)
def test_orders_and_customers_are_found_by_a_contact(staff, field, value, query):
    contact = ContactFactory(**{field: value}, user=None)
    order = OrderFactory(customer=contact.customer, contact=contact)
    OrderFactory(customer=contact.customer)  # the customer's other order names another contact

    assert _numbers(order_search_results(user=staff, query=query)) == [order.number]
    assert customer_search_results(query=query) == [contact.customer]


def test_orders_are_found_by_an_item_name_or_sku_in_their_lines(staff):
    by_name = OrderFactory()
    _line(by_name, "Болт М8 оцинкованный")
    _line(by_name, "Болт М8 чёрный")
    by_sku = OrderFactory()
    _line(by_sku, "Гайка", item=ItemFactory(sku="NUT-M8-ZN"))
    OrderFactory()

    assert _numbers(order_search_results(user=staff, query="Болт М8")) == [by_name.number]
    assert _numbers(order_search_results(user=staff, query="nut-m8")) == [by_sku.number]


def test_orders_are_found_by_tracking_number_and_tickets_by_subject(staff):
    shipped = OrderFactory(tracking_number="CDEK-77001122")
    ticket = OrderFactory(kind=OrderKind.SUPPORT, state="new", subject="Не работает насос")

    assert _numbers(order_search_results(user=staff, query="77001122")) == [shipped.number]
    assert _numbers(order_search_results(user=staff, query="cdek-7700")) == [shipped.number]
    assert _numbers(order_search_results(user=staff, query="7700")) == []  # digits: whole only
    assert _numbers(order_search_results(user=staff, query="работает насос")) == []
    assert _numbers(order_search_results(user=staff, query="работает насос", tickets=True)) == [
        ticket.number
    ]


def test_short_fragments_match_nothing_but_a_number(staff):
    OrderFactory(customer=CustomerFactory(name="АБ"))

    assert order_search_results(user=staff, query="АБ") == []
    assert customer_search_results(query="АБ") == []
    assert order_search_results(user=staff, query="   ") == []


def test_staff_who_may_not_see_every_order_find_none(db):
    OrderFactory(customer=CustomerFactory(name="ООО «Ромашка»"))
    portal_only = UserFactory(role=Role.MANAGER)
    portal_only.user_permissions.clear()
    portal_only.groups.clear()
    client = ContactFactory().user

    assert order_search_results(user=portal_only, query="Ромашка") == []
    assert order_search_results(user=client, query="Ромашка") == []


def test_a_client_finds_only_their_own_companys_orders(db):
    own = OrderFactory(customer=CustomerFactory(name="ООО «Ромашка»"))
    OrderFactory(customer=CustomerFactory(name="ООО «Ромашка-2»"))
    client = ContactFactory(customer=own.customer).user

    assert _numbers(order_search_results(user=client, query="Ромашка")) == [own.number]


def test_each_group_is_capped_one_more_than_shown(staff):
    customer = CustomerFactory(name="ООО «Ромашка»")
    orders = OrderFactory.create_batch(SEARCH_GROUP_SIZE + 3, customer=customer)

    found = order_search_results(user=staff, query="ромашка")

    assert _numbers(found) == _numbers(sorted(orders, key=lambda o: o.pk, reverse=True))[:11]


def test_each_group_costs_a_fixed_number_of_queries_whatever_the_data(
    staff, django_assert_num_queries
):
    staff = UserFactory._meta.model.objects.get(pk=staff.pk)
    staff.has_perm("orders.view_all_orders")  # permissions cached, as in a request

    def grow(n):
        customer = CustomerFactory(name="ООО «Ромашка»")
        ContactFactory(customer=customer, name="Ромашкин", user=None)
        ItemFactory(sku=f"РОМАШКА-{n}")
        for order in OrderFactory.create_batch(15, customer=customer):
            _line(order, "Ромашка аптечная")

    for n in range(2):
        grow(n)
        # One look-up of the customers, contacts and items (SKU) it names, one for the group.
        with django_assert_num_queries(2):
            assert len(order_search_results(user=staff, query="Ромашка")) == 11
        with django_assert_num_queries(2):
            order_search_results(user=staff, query="Ромашка", tickets=True)
        with django_assert_num_queries(1):
            customer_search_results(query="Ромашка")


def test_the_desk_search_uses_the_same_matching(staff):
    eighth = OrderFactory(number="2025-000008")
    OrderFactory(number="2025-000080")
    by_line = OrderFactory()
    _line(by_line, "Кабель ВВГ 3x2.5")

    assert _numbers(order_desk_list(user=staff, query="8")) == [eighth.number]
    assert _numbers(order_desk_list(user=staff, query="ВВГ")) == [by_line.number]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes are PostgreSQL's")
def test_the_migrations_made_the_trigram_indexes():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE %s", ["%_trgm"]
        )
        indexes = dict(cursor.fetchall())

    assert set(indexes) >= {
        "customer_search_trgm",
        "contact_name_trgm",
        "contact_email_trgm",
        "contact_phone_trgm",
        "order_line_name_trgm",
        "order_subject_trgm",
        "order_tracking_trgm",
    }
    assert all("USING gin" in d and "gin_trgm_ops" in d for d in indexes.values())
    assert "upper((name)::text)" in indexes["order_line_name_trgm"]
