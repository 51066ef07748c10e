"""Writes about who 1C is: profiles with their service user, the sessions checkauth opens,
and the log of every call."""

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role
from integrations.onec.catalog_uploads import session_folders_purge
from integrations.onec.models import ExchangeLogEntry, ExchangeSession, IntegrationProfile

SESSION_COOKIE = "crm_1c_session"
SESSION_LIFETIME = timedelta(hours=12)


def profile_create(
    *, name: str, login: str, password: str, by=None, **settings
) -> IntegrationProfile:
    """A profile for one 1C base with its own service user holding the integration role.

    `settings` are the profile's other fields (schema_version, encoding, ...). Raises
    `ValidationError` for a taken name or login or an empty password.
    """
    if not password:
        raise ValidationError({"password": [_("Give the password 1C will log in with.")]})
    if IntegrationProfile.objects.filter(name=name).exists():
        raise ValidationError({"name": [_("A profile with this name exists.")]})
    if IntegrationProfile.objects.filter(login=login).exists():
        raise ValidationError({"login": [_("A profile with this login exists.")]})
    with transaction.atomic():
        user = get_user_model()(
            username=f"1c-{secrets.token_hex(4)}",
            first_name=name[:150],
            last_name="(1C)",
            is_service=True,
        )
        # The service user never logs in anywhere: the profile's password is 1C's login.
        user.set_unusable_password()
        user.save()
        user.groups.set([Group.objects.get(name=Role.INTEGRATION)])
        profile = IntegrationProfile(name=name, login=login, service_user=user, **settings)
        profile.set_password(password)
        profile.full_clean(exclude=["password", "service_user"])
        if by is not None:  # else the history names the request's user, if any
            profile._history_user = by
        profile.save()
    return profile


def profile_set_password(*, profile: IntegrationProfile, password: str) -> IntegrationProfile:
    if not password:
        raise ValidationError({"password": [_("Give the password 1C will log in with.")]})
    profile.set_password(password)
    profile.save(update_fields=["password"])
    return profile


def profile_authenticate(login: str, password: str) -> IntegrationProfile | None:
    profile = IntegrationProfile.objects.filter(login=login, is_active=True).first()
    if profile is None:
        # The same work as a wrong password, so timing does not tell which logins exist.
        IntegrationProfile(password="").set_password(password)
        return None
    return profile if profile.check_password(password) else None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sessions_purge_ended(*, now=None) -> int:
    """Drop the sessions past their lifetime with their upload folders; returns how many."""
    ended = ExchangeSession.objects.filter(
        created_at__lt=(now or timezone.now()) - SESSION_LIFETIME
    )
    ended_ids = list(ended.values_list("pk", "profile_id"))
    if ended_ids:
        session_folders_purge(
            [session_id for session_id, _profile in ended_ids],
            [profile_id for _session, profile_id in ended_ids],
        )
        ended.filter(pk__in=[session_id for session_id, _profile in ended_ids]).delete()
    return len(ended_ids)


def session_open(*, profile: IntegrationProfile) -> str:
    """A new cookie value for `profile`; sessions past their lifetime are dropped."""
    sessions_purge_ended()
    token = secrets.token_urlsafe(32)
    ExchangeSession.objects.create(profile=profile, token_hash=_token_hash(token))
    return token


def session_get(token: str) -> ExchangeSession | None:
    if not token:
        return None
    return (
        ExchangeSession.objects.select_related("profile", "profile__service_user")
        .filter(
            token_hash=_token_hash(token),
            created_at__gte=timezone.now() - SESSION_LIFETIME,
            profile__is_active=True,
        )
        .first()
    )


def log_write(
    *, profile: IntegrationProfile | None, exchange_type: str, mode: str, result: str, **fields
) -> ExchangeLogEntry:
    return ExchangeLogEntry.objects.create(
        profile=profile,
        exchange_type=exchange_type[:16],
        mode=mode[:16],
        result=result,
        **fields,
    )
