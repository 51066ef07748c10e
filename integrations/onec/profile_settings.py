"""Writes an administrator makes to a 1C profile: its settings, its password, the table of
1C's order statuses, switching it off and on.

Each write names its user (`by`) for the profile's history, locks the profile row so two
administrators saving at once leave two history rows in a true order, and raises
`ValidationError` with a dict of field errors (a status row's as `mappings.<index>.<field>`)
that the pages put on their fields.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext as _

from integrations.onec.catalog_uploads import session_folders_purge
from integrations.onec.models import IntegrationProfile, StatusMapping
from integrations.onec.profiles import profile_create
from orders.lifecycle import OrderKind, State

PROFILE_FIELDS = (
    "name",
    "login",
    "schema_version",
    "uses_namespace",
    "encoding",
    "exported_kinds",
    "exported_states",
    "price_type",
    "file_limit",
)
MIN_FILE_LIMIT = 64 * 1024
STATUS_MAX_LENGTH = StatusMapping._meta.get_field("onec_status").max_length


@dataclass(frozen=True)
class MappingChange:
    """One row of the status table: a new one (`pk` None), a changed one or one removed."""

    pk: int | None
    onec_status: str = ""
    state: str = ""
    delete: bool = False


def _history_user_set(instance, by) -> None:
    if by is not None:  # else the history names the request's user, if any
        instance._history_user = by


def _check_values(values: dict, *, profile: IntegrationProfile | None) -> dict:
    errors: dict[str, list[str]] = {}
    others = IntegrationProfile.objects.exclude(pk=profile.pk if profile else None)
    if others.filter(name=values.get("name", "")).exists():
        errors["name"] = [_("A profile with this name exists.")]
    if others.filter(login=values.get("login", "")).exists():
        errors["login"] = [_("A profile with this login exists.")]
    unknown_kinds = set(values.get("exported_kinds", [])) - set(OrderKind.values)
    if unknown_kinds:
        errors["exported_kinds"] = [_("Unknown order kind.")]
    unknown_states = set(values.get("exported_states", [])) - set(State.values)
    if unknown_states:
        errors["exported_states"] = [_("Unknown order state.")]
    if values.get("file_limit", MIN_FILE_LIMIT) < MIN_FILE_LIMIT:
        errors["file_limit"] = [
            _("At least %(bytes)d bytes: 1C cannot send a file in smaller parts.")
            % {"bytes": MIN_FILE_LIMIT}
        ]
    return errors


def _check_mappings(profile: IntegrationProfile | None, mappings: list[MappingChange]) -> dict:
    """Errors of the status rows. 1C's statuses are matched ignoring case, so two rows
    that differ only in case would contradict each other."""
    errors: dict[str, list[str]] = {}
    existing = {}
    if profile is not None:
        existing = dict(profile.status_mappings.values_list("pk", "onec_status"))
    touched = {change.pk for change in mappings if change.pk is not None}
    taken = {status.casefold() for pk, status in existing.items() if pk not in touched}
    for index, change in enumerate(mappings):
        if change.delete:
            continue
        if change.pk is not None and change.pk not in existing:
            errors[f"mappings.{index}.onec_status"] = [_("This row is no longer there.")]
            continue
        status = change.onec_status.strip()
        if not status:
            errors[f"mappings.{index}.onec_status"] = [_("Type the status as 1C names it.")]
        elif len(status) > STATUS_MAX_LENGTH:
            errors[f"mappings.{index}.onec_status"] = [
                _("At most %(count)d characters.") % {"count": STATUS_MAX_LENGTH}
            ]
        elif status.casefold() in taken:
            errors[f"mappings.{index}.onec_status"] = [
                _("“%(status)s” is in the table twice.") % {"status": status}
            ]
        taken.add(status.casefold())
        if change.state not in State.values:
            errors[f"mappings.{index}.state"] = [_("Choose the state it means here.")]
    return errors


def _apply_mappings(profile: IntegrationProfile, mappings: list[MappingChange], by) -> None:
    rows = {row.pk: row for row in profile.status_mappings.select_for_update()}
    # Removals first: a status moved from one row to another must not collide on the
    # unique (profile, status) pair with the row it leaves.
    for change in mappings:
        if change.delete and change.pk in rows:
            row = rows.pop(change.pk)
            _history_user_set(row, by)
            row.delete()
    changed = []
    for change in mappings:
        if change.delete:
            continue
        row = rows.get(change.pk)
        status = change.onec_status.strip()
        if row is not None and (row.onec_status, row.state) == (status, change.state):
            continue
        # A new instance with the row's key: saving it updates the row (and its history).
        changed.append(
            StatusMapping(pk=change.pk, profile=profile, onec_status=status, state=change.state)
        )
    renamed = [row.pk for row in changed if row.pk is not None]
    if renamed:
        # Two rows may trade statuses ("A" → "B" while "B" → "C"): free every renamed row's
        # status first, so no save meets the unique pair of a row not saved yet.
        StatusMapping.objects.filter(pk__in=renamed).update(
            onec_status=Concat(Value("\u2060"), Cast("pk", CharField()))
        )
    for row in changed:
        _history_user_set(row, by)
        row.save()


def profile_save(
    *,
    profile: IntegrationProfile | None,
    values: dict,
    password: str = "",
    mappings: list[MappingChange] = (),
    by=None,
) -> IntegrationProfile:
    """Create a profile (`profile` None; a password is required) or change one.

    `values` holds `PROFILE_FIELDS`; an empty `password` keeps the current one. Writes the
    profile and its status rows in one transaction, each change a history row naming `by`.
    """
    values = {name: values[name] for name in PROFILE_FIELDS if name in values}
    errors = _check_values(values, profile=profile)
    errors.update(_check_mappings(profile, list(mappings)))
    if profile is None and not password:
        errors["password"] = [_("Give the password 1C will log in with.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if profile is None:
            settings = {k: v for k, v in values.items() if k not in ("name", "login")}
            saved = profile_create(
                name=values["name"], login=values["login"], password=password, by=by, **settings
            )
        else:
            saved = IntegrationProfile.objects.select_for_update().get(pk=profile.pk)
            before = {name: getattr(saved, name) for name in PROFILE_FIELDS}
            for name, value in values.items():
                setattr(saved, name, value)
            if password:
                saved.set_password(password)
                # The hash is not shown in the history, so the row says what changed.
                saved._change_reason = _("The password is changed.")
            after = {name: getattr(saved, name) for name in PROFILE_FIELDS}
            if password or before != after:
                saved.full_clean(exclude=["password", "service_user"])
                _history_user_set(saved, by)
                saved.save()
        _apply_mappings(saved, list(mappings), by)
    return saved


def profile_set_active(*, profile: IntegrationProfile, is_active: bool, by=None):
    """Switch the profile off (1C's logins and open sessions are refused from the next
    call) or on again. Idempotent: no history row when nothing changes."""
    with transaction.atomic():
        locked = IntegrationProfile.objects.select_for_update().get(pk=profile.pk)
        if locked.is_active == is_active:
            return locked
        locked.is_active = is_active
        _history_user_set(locked, by)
        locked.save(update_fields=["is_active"])
        if not is_active:
            # An exchange under way ends now rather than at its cookie's expiry.
            sessions = list(locked.sessions.values_list("pk", flat=True))
            locked.sessions.all().delete()
            # Files go once the rows are surely gone.
            transaction.on_commit(
                lambda: session_folders_purge(sessions, [locked.pk] * len(sessions))
            )
    return locked
