"""A signed-in user's permissions read in one query at the start of the request.

Django's model backend reads the direct and the group permissions in two queries the first
time a request asks; every staff page asks. Filling its per-request cache (`_perm_cache`,
the same set of "app_label.codename") beforehand leaves the backend's answers unchanged.
"""

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connections, router
from django.db.models import QuerySet, TextField
from django.db.models.expressions import RawSQL

# Permission names are "app_label.codename": neither part holds a comma.
_SEPARATOR = ","


def all_permissions(user) -> set[str]:
    """What `ModelBackend.get_all_permissions(user)` returns for an active user."""
    if user.is_superuser:
        rows = Permission.objects.values_list("content_type__app_label", "codename").order_by()
        return {f"{app_label}.{codename}" for app_label, codename in rows}
    # Every staff page asks: the SQL is written once per process (`_names_sql`). Built with
    # the ORM on each request, the same statement cost about four times as much CPU.
    connection = connections[router.db_for_read(Permission)]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_names_sql(connection.vendor, '%s')}", [user.pk, user.pk])
        names = cursor.fetchone()[0]
    return set(names.split(_SEPARATOR)) if names else set()


def permissions_prefetch(user) -> None:
    """Fill the model backend's cache of an active user's permissions, if still empty."""
    if user.is_active and not hasattr(user, "_perm_cache"):
        user._perm_cache = all_permissions(user)


@cache
def _names_sql(vendor: str, user_column: str) -> str:
    """The permission names of the user in `user_column` of the outer query (or in a
    parameter, `%s`, given twice), joined.
    Written once per process: building the same subquery with the ORM on every request
    cost more than the statement it saves."""
    user_model = get_user_model()
    direct = user_model.user_permissions.through
    member = user_model.groups.through
    granted = Group.permissions.through

    def table(model) -> str:
        return f'"{model._meta.db_table}"'

    def column(model, field: str) -> str:
        return f'"{model._meta.get_field(field).column}"'

    name = (
        f"ct.\"{ContentType._meta.get_field('app_label').column}\" || '.' || "
        f'p."{Permission._meta.get_field("codename").column}"'
    )
    joined = (
        f"STRING_AGG({name}, '{_SEPARATOR}')"
        if vendor == "postgresql"
        else f"GROUP_CONCAT({name}, '{_SEPARATOR}')"
    )
    return (
        f"(SELECT {joined} FROM {table(Permission)} p "  # noqa: S608 (names from the models)
        f'JOIN {table(ContentType)} ct ON ct."id" = p.{column(Permission, "content_type")} '
        f'WHERE p."id" IN (SELECT {column(direct, "permission")} FROM {table(direct)} '
        f"WHERE {column(direct, user_model._meta.model_name)} = {user_column}) "
        f'OR p."id" IN (SELECT g.{column(granted, "permission")} FROM {table(granted)} g '
        f"JOIN {table(member)} m ON m.{column(member, 'group')} = g.{column(granted, 'group')} "
        f"WHERE m.{column(member, user_model._meta.model_name)} = {user_column}))"
    )


def with_permission_names(queryset: QuerySet, *, user_field: str) -> QuerySet:
    """Each row annotated with `permission_names`: its user's permissions (direct and
    through groups), read in the row's own query. For a superuser, see
    `permissions_from_names`."""
    model = queryset.model
    user_column = f'"{model._meta.db_table}"."{model._meta.get_field(user_field).column}"'
    sql = _names_sql(connections[queryset.db].vendor, user_column)
    return queryset.annotate(permission_names=RawSQL(sql, [], output_field=TextField()))  # noqa: S611


def permissions_from_names(user, names: str | None) -> None:
    """Fill the model backend's cache from a `with_permission_names` annotation. A superuser
    has every permission, which the annotation does not list: read them as a login does."""
    if user.is_superuser:
        permissions_prefetch(user)
    elif user.is_active and not hasattr(user, "_perm_cache"):
        user._perm_cache = set(names.split(_SEPARATOR)) if names else set()


class PermissionsInOneQueryMiddleware:
    """After AuthenticationMiddleware: fills the model backend's cache of the user's
    permissions with one query instead of its two."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            permissions_prefetch(user)
        return self.get_response(request)
