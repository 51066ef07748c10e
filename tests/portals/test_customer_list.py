from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.roles import Role
from tests.factories import CustomerFactory, LedgerEntryFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_customer_list_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    manager = UserFactory(role=Role.MANAGER)
    for customer in CustomerFactory.create_batch(25, manager=manager):
        LedgerEntryFactory.create_batch(2, customer=customer, amount=Decimal("10.00"))
    client.force_login(manager)

    # Session, user, two permission lookups, the page count and the page itself.
    with django_assert_max_num_queries(8):
        response = client.get(reverse("portals_manager:customer_list"))

    assert response.status_code == 200
    assert len(response.context["customers"]) == 25
    assert {customer.balance for customer in response.context["customers"]} == {Decimal("20.00")}


def test_customer_list_search_by_name_and_inn(client):
    manager = UserFactory(role=Role.MANAGER)
    CustomerFactory(name="ООО «Альфа»", inn="7707083893")
    CustomerFactory(name="ООО «Бета»")
    client.force_login(manager)

    by_name = client.get(reverse("portals_manager:customer_list"), {"q": "альф"})
    by_inn = client.get(reverse("portals_manager:customer_list"), {"q": "7707083893"})
    nothing = client.get(reverse("portals_manager:customer_list"), {"q": "гамма"})

    assert [c.name for c in by_name.context["customers"]] == ["ООО «Альфа»"]
    assert [c.name for c in by_inn.context["customers"]] == ["ООО «Альфа»"]
    assert list(nothing.context["customers"]) == []
    assert "гамма" in nothing.content.decode()


@pytest.mark.parametrize("role", [Role.WAREHOUSE, Role.COURIER])
def test_warehouse_and_courier_cannot_list_customers(client, role):
    client.force_login(UserFactory(role=role))

    response = client.get(reverse("portals_manager:customer_list"))

    assert response.status_code == 403
