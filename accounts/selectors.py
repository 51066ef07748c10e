"""Reads of users shared by the portals."""

import functools

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Q, QuerySet

from accounts.models import User


def user_list_with_permission(permission: str) -> QuerySet[User]:
    """Active users holding `permission` ("app_label.codename") through a group or directly."""
    app_label, codename = permission.split(".", 1)
    through_group = Q(
        groups__permissions__codename=codename,
        groups__permissions__content_type__app_label=app_label,
    )
    direct = Q(
        user_permissions__codename=codename,
        user_permissions__content_type__app_label=app_label,
    )
    return (
        User.objects.filter(
            through_group | direct | Q(is_superuser=True), is_active=True, is_service=False
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


@functools.cache
def _compiled(permission: str, alias: str) -> tuple[str, tuple]:
    query = user_list_with_permission(permission).values_list(
        "pk", "username", "first_name", "last_name"
    )
    return query.query.get_compiler(alias).as_sql()


def user_choices_with_permission(permission: str) -> list[tuple[int, str]]:
    """(pk, name as the user's __str__ writes it) of `user_list_with_permission`, in its order.

    For selects on pages reloaded all day (the desk's bulk form): the query's six joins took
    a millisecond of CPU to compile on every request, ten times what running it costs, so its
    SQL is compiled once per process (it depends on nothing but the permission).
    """
    sql, params = _compiled(permission, DEFAULT_DB_ALIAS)
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        (pk, f"{first_name} {last_name}".strip() or username)
        for pk, username, first_name, last_name in rows
    ]
