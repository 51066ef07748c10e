import pytest
from django.utils import translation

from accounts.roles import Role
from orders.lifecycle import DeliveryStatus, State
from tests.factories import ContactFactory, UserFactory
from tests.orders.factories import OrderFactory


@pytest.fixture(autouse=True)
def english():
    """Service messages are asserted in their English source."""
    with translation.override("en"):
        yield


@pytest.fixture
def people(db):
    manager = UserFactory(role=Role.MANAGER, email="manager@example.com")
    contact = ContactFactory(
        user__email="buyer@example.com", user__language="en", customer__manager=manager
    )
    return {"manager": manager, "client": contact.user, "contact": contact}


@pytest.fixture
def make_order(people):
    """An order of the people's customer with its contact and manager, in any state."""

    def make(**kwargs):
        return OrderFactory(
            customer=people["contact"].customer,
            contact=people["contact"],
            manager=people["manager"],
            **kwargs,
        )

    return make


@pytest.fixture
def delivered_order(make_order):
    return make_order(state=State.DELIVERY, delivery_status=DeliveryStatus.HANDED_TO_CLIENT)
