"""Administering users: invite, give roles, deactivate. Roles are the groups of
accounts/roles.py; a user may hold several."""

import secrets

from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role


def _require(by, permission):
    if by is None or not by.has_perm(permission):
        raise PermissionDenied


def user_invite(*, email: str, first_name: str, last_name: str, roles: list[str], by, request):
    """A new user with a password nobody knows; the email carries a link to set one."""
    _require(by, "accounts.add_user")
    email = User.objects.normalize_email(email).lower()
    if (
        User.objects.filter(email__iexact=email).exists()
        or User.objects.filter(username=email).exists()
    ):
        raise ValidationError({"email": [_("A user with this email exists already.")]})
    with transaction.atomic():
        user = User(username=email, email=email, first_name=first_name, last_name=last_name)
        # Random and never told: usable, so the reset form below agrees to send the link.
        user.set_password(secrets.token_urlsafe(32))
        user.save()
        _roles_apply(user, roles)
    # The password-reset machinery sends a one-time link to set the first password.
    form = PasswordResetForm({"email": email})
    if form.is_valid():
        form.save(
            request=request,
            use_https=request.is_secure(),
            email_template_name="accounts/email/invitation.txt",
            subject_template_name="accounts/email/invitation_subject.txt",
        )
    return user


def user_roles_set(*, user: User, roles: list[str], by) -> User:
    _require(by, "accounts.change_user")
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ValidationError({"roles": [_("Unknown role.")]})
    if user == by and Role.ADMIN not in roles:
        raise ValidationError(
            {"roles": [_("You cannot take the administrator role from yourself.")]}
        )
    with transaction.atomic():
        _roles_apply(user, roles)
    return user


def _roles_apply(user: User, roles: list[str]) -> None:
    """Give the roles; administrators also get into the Django admin, where the catalog,
    its attributes, order forms and offers are edited (within their permissions)."""
    user.groups.set(Group.objects.filter(name__in=roles))
    is_staff = user.is_superuser or Role.ADMIN in roles
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])


def user_active_set(*, user: User, active: bool, by) -> User:
    _require(by, "accounts.change_user")
    if user == by and not active:
        raise ValidationError({"user": [_("You cannot deactivate yourself.")]})
    user.is_active = active
    user.save(update_fields=["is_active"])
    return user
