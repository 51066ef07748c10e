"""Phones are checked, stored as E.164 and found however they are typed."""

import pytest
from django.core.exceptions import ValidationError

from core.phones import phone_query_forms, phone_to_e164
from customers.models import Customer
from customers.selectors import customer_search
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("8 (912) 345-67-89", "+79123456789"),
        ("+7 495 123-45-67", "+74951234567"),
        ("9123456789", "+79123456789"),
        ("+44 20 7946 0958", "+442079460958"),
    ],
)
def test_a_phone_is_stored_as_e164(typed, stored):
    customer = CustomerFactory(phone=typed)

    customer.refresh_from_db()

    assert customer.phone.as_e164 == stored
    assert phone_to_e164(typed) == stored


def test_a_phone_that_is_no_number_fails_validation():
    customer = CustomerFactory.build(phone="12-34", manager=None)

    with pytest.raises(ValidationError) as error:
        customer.full_clean(exclude=["manager"])

    assert "phone" in error.value.message_dict


def test_the_data_migration_keeps_what_does_not_parse():
    assert phone_to_e164("ask the secretary") == "ask the secretary"
    assert phone_to_e164("  ") == ""


@pytest.mark.parametrize("query", ["+79123456789", "9123456789", "912345"])
def test_a_customer_is_found_by_the_phone_as_typed(query):
    wanted = CustomerFactory(phone="8 (912) 345-67-89")
    CustomerFactory(phone="+74951234567")

    assert list(customer_search(Customer.objects.all(), query)) == [wanted]


@pytest.mark.parametrize(
    ("typed", "forms"),
    [
        ("8 (912) 345-67-89", ("+79123456789", "89123456789")),
        ("+7 912 345 67 89", ("+79123456789", "79123456789")),
        ("345-67", ("", "34567")),
        ("123", ("", "")),
        ("Ромашка 1234", ("", "")),
    ],
)
def test_a_search_query_means_a_phone_in_whole_or_as_a_digit_fragment(typed, forms):
    assert phone_query_forms(typed) == forms
