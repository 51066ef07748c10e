import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from customers.models import Customer
from customers.validators import validate_inn
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("inn", ["7707083893", "500100732259"])
def test_valid_inn_passes(inn):
    validate_inn(inn)


@pytest.mark.parametrize("inn", ["7707083894", "12345", "77070838ab", "500100732250"])
def test_invalid_inn_is_refused(inn):
    with pytest.raises(ValidationError):
        validate_inn(inn)


def test_external_id_is_unique_only_where_set():
    CustomerFactory(external_id="")
    CustomerFactory(external_id="")
    CustomerFactory(external_id="1C-001")

    duplicate = Customer(name="Другой", external_id="1C-001")
    with translation.override("en"), pytest.raises(ValidationError) as error:
        duplicate.full_clean()

    assert error.value.messages == ["A customer with this external ID already exists."]


def test_person_has_no_kpp():
    person = Customer(kind=Customer.Kind.PERSON, name="Иванов И. И.", kpp="773601001")

    with pytest.raises(ValidationError) as error:
        person.full_clean()

    assert "kpp" in error.value.message_dict
