"""The history of customers and their contacts: who changed what, on the customer card."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from customers.models import Contact, Customer
from customers.selectors import customer_changes
from customers.services import customer_create, customer_update
from tests.factories import ContactFactory, CustomerFactory, UserFactory
from tests.history import changes

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager():
    return UserFactory(role=Role.MANAGER)


@pytest.fixture
def manager_client(manager):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(manager)
    return client


def _card(client, customer):
    return client.get(reverse("portals_manager:customer_card", args=[customer.pk]))


def test_a_service_change_names_the_user_it_was_made_by(manager):
    customer = customer_create(fields={"name": "ООО «Старое»", "kind": "company"}, by=manager)

    customer_update(
        customer=customer, fields={"name": "ООО «Новое»", "discount_percent": 5}, by=manager
    )

    created, changed = customer.history.order_by("history_id")
    assert (created.history_type, created.history_user) == ("+", manager)
    assert (changed.history_type, changed.history_user) == ("~", manager)
    assert changes(changed) == [
        ("discount_percent", Decimal("0.00"), Decimal("5")),
        ("name", "ООО «Старое»", "ООО «Новое»"),
    ]


def test_the_search_column_and_timestamps_are_not_in_the_history():
    fields = {field.name for field in Customer.history.model._meta.fields}

    assert {"name", "inn", "manager"} <= fields
    assert not {"search_text", "created_at", "updated_at"} & fields


def test_the_card_lists_changes_with_labels_choice_labels_and_names(manager_client, manager):
    customer = CustomerFactory(kind=Customer.Kind.COMPANY)
    contact = ContactFactory(customer=customer, name="Иван", is_primary=False)
    customer_update(
        customer=customer, fields={"kind": Customer.Kind.PERSON, "manager": manager}, by=manager
    )
    contact.is_primary = True
    contact._history_user = manager
    contact.save()

    response = _card(manager_client, customer)

    latest, customer_change = response.context["changes"][:2]
    assert (latest.user, latest.kind_label, latest.subject) == (manager, "Changed", "Contact Иван")
    assert [(c.label, c.before, c.after) for c in latest.changes] == [
        ("Primary contact", "No", "Yes")
    ]
    assert customer_change.user == manager
    assert [(c.label, c.before, c.after) for c in customer_change.changes] == [
        ("Kind", "Company", "Person"),
        ("Assigned manager", "—", str(manager)),
    ]
    page = response.content.decode()
    assert 'data-testid="customer-changes"' in page
    assert "Primary contact" in page


def test_the_card_says_yes_and_no_in_the_users_language(manager):
    contact = ContactFactory(is_primary=False)
    contact.is_primary = True
    contact.save()
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    client.force_login(manager)

    [change] = _card(client, contact.customer).context["changes"][0].changes

    assert (change.before, change.after) == ("Нет", "Да")


def test_a_request_names_the_logged_in_user_without_a_service(manager):
    staff = UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff)
    contact = ContactFactory()
    url = reverse("admin:customers_contact_change", args=[contact.pk])

    response = client.post(
        url,
        {
            "customer": contact.customer_id,
            "name": "Пётр",
            "position": "",
            "email": "",
            "phone": "",
            "user": contact.user_id,
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    record = contact.history.latest()
    assert (record.history_user, record.name) == (staff, "Пётр")
    history_url = reverse("admin:customers_contact_history", args=[contact.pk])
    assert client.get(history_url).status_code == 200


def test_the_card_costs_the_same_with_a_long_history(manager_client, manager):
    def queries_after(saves, customer):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        for number in range(saves):
            customer_update(
                customer=customer, fields={"phone": f"+7 900 000-00-{number:02d}"}, by=manager
            )
            contact = ContactFactory(customer=customer)
            contact.name = f"Контакт {number}"
            contact.save()
        with CaptureQueriesContext(connection) as captured:
            response = _card(manager_client, customer)
        assert response.status_code == 200
        return len(captured), len(response.context["changes"])

    # Both longer than the list: the rows before the oldest shown are read too.
    few, few_shown = queries_after(12, CustomerFactory())
    many, many_shown = queries_after(30, CustomerFactory())

    assert many <= few
    assert (few_shown, many_shown) == (10, 10)


def test_the_changes_of_other_customers_are_not_listed():
    customer, other = CustomerFactory(), CustomerFactory()
    ContactFactory(customer=other)

    entries = customer_changes(customer_id=customer.pk)

    assert [entry.kind for entry in entries] == ["+"]
    assert not Contact.history.filter(customer_id=customer.pk).exists()
