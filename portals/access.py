from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin


class PortalAccessMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Anonymous users go to the login page; a logged-in user without the permission gets 403."""

    raise_exception = False


# Holding one of these, a user may act on orders; which action on which order the
# services decide.
ORDER_CHANGE_PERMISSIONS = (
    "orders.process_order",
    "orders.handle_production",
    "orders.handle_delivery",
)


def user_may_change_orders(user) -> bool:
    return any(user.has_perm(permission) for permission in ORDER_CHANGE_PERMISSIONS)
