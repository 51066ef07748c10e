import pytest
from django.contrib.auth.models import Group

from accounts.roles import ROLE_PERMISSIONS, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_every_role_is_a_group_with_exactly_its_declared_permissions():
    for role in Role:
        group = Group.objects.get(name=role)
        granted = {
            f"{app_label}.{codename}"
            for app_label, codename in group.permissions.values_list(
                "content_type__app_label", "codename"
            )
        }
        assert granted == set(ROLE_PERMISSIONS[role]), role


def test_roles_grant_portal_access_through_permissions():
    client = UserFactory(role=Role.CLIENT)
    manager = UserFactory(role=Role.MANAGER)
    admin = UserFactory(role=Role.ADMIN)

    assert client.has_perm("accounts.access_client_portal")
    assert not client.has_perm("accounts.access_manager_portal")
    assert not client.has_perm("customers.view_customer")
    assert manager.has_perm("accounts.access_manager_portal")
    assert not manager.has_perm("accounts.access_admin_portal")
    assert admin.has_perm("accounts.access_admin_portal")
    assert admin.has_role(Role.ADMIN)
    assert not admin.has_role(Role.CLIENT)


def test_director_reads_customers_but_cannot_change_them():
    director = UserFactory(role=Role.DIRECTOR)

    assert director.has_perm("customers.view_customer")
    assert not director.has_perm("customers.change_customer")
    assert not director.has_perm("customers.add_ledgerentry")
