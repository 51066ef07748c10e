"""Reads of users shared by the portals."""

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
