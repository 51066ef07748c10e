from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from api.models import ApiClient, Scope


def request_client(request) -> ApiClient | None:
    """The API client behind the request; None for a portal session."""
    return request.auth if isinstance(request.auth, ApiClient) else None


class HasScope(permissions.BasePermission):
    """Reads need the read scope (or a portal session); writes need an API key with write.

    Portal sessions read within their user's own permissions and never write: the
    portals are where people change things, with their CSRF-protected forms.
    """

    message = _("This API key does not have the scope this request needs.")

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        client = request_client(request)
        if request.method in permissions.SAFE_METHODS:
            return client is None or client.has_scope(Scope.READ)
        if client is None:
            self.message = _("Changes through the API need an API key with the write scope.")
            return False
        return client.has_scope(Scope.WRITE)


class HasActionPermissions(permissions.BasePermission):
    """The user needs every permission the view lists for its action in `action_permissions`."""

    message = _("You are not allowed to do this.")

    def has_permission(self, request, view):
        required = getattr(view, "action_permissions", {}).get(getattr(view, "action", None), ())
        return request.user.has_perms(required)


class IsApiClient(permissions.BasePermission):
    message = _("Only API clients (with an API key) have webhook subscriptions.")

    def has_permission(self, request, view):
        return request_client(request) is not None
