from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin


class PortalAccessMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Anonymous users go to the login page; a logged-in user without the permission gets 403."""

    raise_exception = False
