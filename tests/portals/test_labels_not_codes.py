"""Codes reach people as their translated labels: states, actions and roles."""

from decimal import Decimal

import pytest
from django.test import Client

from accounts.roles import Role
from orders.services import LineInput, order_create, order_transition
from tests.catalog.factories import ItemFactory
from tests.factories import ContactFactory, UserFactory

pytestmark = pytest.mark.django_db


def _browser(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    client.force_login(user)
    return client


def test_the_customer_cards_history_names_actions_and_states():
    manager = UserFactory(role=Role.MANAGER)
    contact = ContactFactory()
    order = order_create(
        customer=contact.customer,
        kind="product",
        channel="phone",
        by=manager,
        lines=[LineInput(ItemFactory(price=Decimal("100.00")), 1)],
    )
    order_transition(order=order, transition="start_quote", by=manager)

    page = _browser(manager).get(f"/manager/customers/{contact.customer.pk}/").content.decode()

    assert "Переведён в КП: Заявка (предзаказ) → КП" in page
    assert "start_quote" not in page
    assert "request →" not in page


def test_the_users_list_names_roles():
    admin = UserFactory(role=Role.ADMIN)
    UserFactory(role=Role.MANAGER, username="anna")

    page = _browser(admin).get("/admin-portal/users/").content.decode()

    assert "Менеджер" in page
    assert ">manager<" not in page


def test_the_workflows_list_names_stages():
    admin = UserFactory(role=Role.ADMIN)

    page = _browser(admin).get("/admin-portal/workflows/").content.decode()

    assert "Заявка (предзаказ) → " in page
    assert "request → quote" not in page
