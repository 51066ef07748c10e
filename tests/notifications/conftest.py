import pytest

from accounts.roles import Role
from orders.models import Order
from orders.services import LineInput, order_create
from tests.catalog.factories import ItemFactory
from tests.factories import ContactFactory, UserFactory


@pytest.fixture
def people(db):
    manager = UserFactory(role=Role.MANAGER, email="manager@example.com")
    contact = ContactFactory(
        user__email="buyer@example.com", user__language="ru", customer__manager=manager
    )
    return {"manager": manager, "client": contact.user, "contact": contact}


@pytest.fixture
def placed_order(people):
    def place(**kwargs):
        return order_create(
            customer=people["contact"].customer,
            contact=people["contact"],
            kind="product",
            channel=Order.Channel.PORTAL,
            by=people["client"],
            lines=[LineInput(item=ItemFactory(name="Стол обеденный"), quantity=2)],
            **kwargs,
        )

    return place
