"""The permission backend: Django's answers, with one query for the user's and groups'."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission

from accounts.backends import PermissionBackend
from accounts.models import User
from accounts.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _fresh(user) -> User:
    return User.objects.get(pk=user.pk)  # no permission cache yet


def test_a_users_own_and_group_permissions_come_with_one_query(django_assert_num_queries):
    user = UserFactory(role=Role.MANAGER)
    user.user_permissions.add(Permission.objects.get(codename="manage_workflow"))
    extra = Group.objects.create(name="extra")
    extra.permissions.add(Permission.objects.get(codename="delete_order"))
    user.groups.add(extra)
    user = _fresh(user)

    with django_assert_num_queries(1):
        permissions = PermissionBackend().get_all_permissions(user)
        assert user.has_perm("orders.process_order")
        assert not user.has_perm("orders.no_such_permission")

    assert permissions == ModelBackend().get_all_permissions(_fresh(user))
    assert {"orders.manage_workflow", "orders.delete_order", "orders.process_order"} <= permissions


def test_superusers_have_every_permission_and_inactive_users_none():
    superuser = _fresh(UserFactory(is_superuser=True))
    inactive = _fresh(UserFactory(role=Role.MANAGER, is_active=False))

    assert PermissionBackend().get_all_permissions(superuser) == ModelBackend().get_all_permissions(
        _fresh(superuser)
    )
    assert PermissionBackend().get_all_permissions(inactive) == set()
