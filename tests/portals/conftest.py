import pytest

from accounts.roles import Role
from tests.factories import UserFactory


@pytest.fixture
def manager_client(client):
    """The test client logged in as a new manager (`client.manager`)."""
    manager = UserFactory(role=Role.MANAGER)
    client.force_login(manager)
    client.manager = manager
    return client
