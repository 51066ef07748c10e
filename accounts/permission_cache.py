"""A signed-in user's permissions read in one query at the start of the request.

Django's model backend reads the direct and the group permissions in two queries the first
time a request asks; every staff page asks. Filling its per-request cache (`_perm_cache`,
the same set of "app_label.codename") beforehand leaves the backend's answers unchanged.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q


def all_permissions(user) -> set[str]:
    """What `ModelBackend.get_all_permissions(user)` returns for an active user."""
    permissions = Permission.objects.all()
    if not user.is_superuser:
        direct = user.user_permissions.through.objects.filter(user_id=user.pk)
        through_group = Group.permissions.through.objects.filter(group__user=user.pk)
        permissions = permissions.filter(
            Q(pk__in=direct.values("permission_id"))
            | Q(pk__in=through_group.values("permission_id"))
        )
    rows = permissions.values_list("content_type__app_label", "codename").order_by()
    return {f"{app_label}.{codename}" for app_label, codename in rows}


def permissions_prefetch(user) -> None:
    """Fill the model backend's cache of an active user's permissions, if still empty."""
    if user.is_active and not hasattr(user, "_perm_cache"):
        user._perm_cache = all_permissions(user)


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
