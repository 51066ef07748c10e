import pytest
from django.utils import translation

from accounts.roles import Role
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in their English source; the product speaks Russian by default."""
    with translation.override("en"):
        yield


@pytest.fixture
def staff(db):
    """One user per staff role, and a second manager."""
    people = {
        role: UserFactory(role=role)
        for role in (Role.MANAGER, Role.WAREHOUSE, Role.COURIER, Role.DIRECTOR, Role.ADMIN)
    }
    people["manager2"] = UserFactory(role=Role.MANAGER)
    people["warehouse2"] = UserFactory(role=Role.WAREHOUSE)
    return people
