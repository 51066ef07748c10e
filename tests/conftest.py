import pytest
from django.apps import apps

from accounts.roles import ROLE_PERMISSIONS, Role, grant_permissions
from tests.factories import ContactFactory, UserFactory


@pytest.fixture
def client_user(db):
    return ContactFactory().user


@pytest.fixture
def make_staff(db):
    def make(role: str, **kwargs):
        return UserFactory(role=role, **kwargs)

    return make


@pytest.fixture
def manager_user(make_staff):
    return make_staff(Role.MANAGER)


@pytest.fixture
def admin_user_role(make_staff):
    return make_staff(Role.ADMIN, is_staff=True)


@pytest.fixture
def role_groups(transactional_db):
    """Transactional tests flush the tables, groups from the data migration included."""
    grant_permissions(apps, ROLE_PERMISSIONS)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The production hasher costs ~0.3 s a user by design; tests create hundreds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
