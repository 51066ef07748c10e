import pytest
from django.core.exceptions import ValidationError

from customers.models import Contact, Customer
from customers.selectors import customer_find_duplicates
from customers.services import customer_create
from tests.factories import ContactFactory, CustomerFactory

pytestmark = pytest.mark.django_db


def test_a_customer_is_created_with_its_contacts_the_first_primary():
    customer = customer_create(
        fields={"kind": "company", "name": "ООО «Вектор»", "inn": "7707083893"},
        contacts=[
            {"name": "Борис", "phone": "+7 900 000-00-01"},
            {"name": "Вера", "email": "vera@vector.example.com"},
        ],
    )

    assert [(c.name, c.is_primary) for c in customer.contacts.order_by("id")] == [
        ("Борис", True),
        ("Вера", False),
    ]
    assert customer.phone == "+7 900 000-00-01"


def test_a_bad_contact_or_field_saves_nothing_and_names_them():
    with pytest.raises(ValidationError) as refused:
        customer_create(
            fields={"kind": "company", "name": "ООО «Вектор»", "ogrn": "1027700132196"},
            contacts=[{"name": "Борис"}, {"name": "", "email": "not-an-email"}],
        )

    assert sorted(refused.value.message_dict) == ["contacts.1.email", "contacts.1.name", "ogrn"]
    assert Customer.objects.count() == 0
    assert Contact.objects.count() == 0


def test_duplicates_are_found_by_inn_email_and_phone_of_customers_and_contacts():
    by_inn = CustomerFactory(inn="7707083893")
    by_email = CustomerFactory(email="office@a.example.com")
    by_contact_phone = ContactFactory(phone="+7 900 000-00-02").customer
    CustomerFactory(inn="7736207543")

    found = customer_find_duplicates(
        inn="7707083893", emails=["OFFICE@a.example.com"], phones=["+7 900 000-00-02"]
    )

    assert {customer.pk for customer in found} == {by_inn.pk, by_email.pk, by_contact_phone.pk}
    assert customer_find_duplicates(inn="", emails=[""], phones=[]) == []
