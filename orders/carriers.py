"""The carriers orders ship with: the list shipping offers, finding one by name, and the
service the admin portal saves them through."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from orders.errors import OrderPermissionError, OrderValidationError
from orders.models import Carrier
from orders.models.carrier import TRACKING_NUMBER_PLACEHOLDER

CARRIER_FIELDS = ("name", "tracking_url_pattern", "is_active", "position")


def carrier_list() -> QuerySet[Carrier]:
    return Carrier.objects.order_by("position", "name")


def carrier_list_active() -> QuerySet[Carrier]:
    return carrier_list().filter(is_active=True)


def carrier_find(name: str) -> Carrier | None:
    """The carrier of the list called `name` (any case, spaces around ignored), or None."""
    wanted = " ".join(name.split()).casefold()
    if not wanted:
        return None
    # A handful of rows; compared here because SQLite folds only ASCII case.
    return next(
        (carrier for carrier in carrier_list() if carrier.name.casefold() == wanted),
        None,
    )


def _pattern_errors(pattern: str) -> list[str]:
    if not pattern:
        return []
    if not pattern.startswith(("https://", "http://")):
        return [_("Give an address starting with https://.")]
    if TRACKING_NUMBER_PLACEHOLDER not in pattern:
        return [_("Put {number} where the tracking number goes.")]
    return []


def carrier_save(*, carrier: Carrier | None, changes: dict, by) -> Carrier:
    """Create (`carrier=None`) or change a carrier from `changes` (the `CARRIER_FIELDS`).

    Requires `orders.manage_workflow` (else `OrderPermissionError`); a bad name or tracking
    link raises `OrderValidationError` naming the field, and nothing is saved. Orders
    shipped with the carrier keep its link and their own copy of its name.
    """
    if by is None or not by.has_perm("orders.manage_workflow"):
        raise OrderPermissionError()
    unknown = set(changes) - set(CARRIER_FIELDS)
    if unknown:
        raise OrderValidationError({name: [_("Unknown setting.")] for name in sorted(unknown)})
    with transaction.atomic():
        if carrier is not None and carrier.pk:
            carrier = Carrier.objects.select_for_update().get(pk=carrier.pk)
        else:
            carrier = Carrier()
        for name, value in changes.items():
            setattr(carrier, name, value.strip() if isinstance(value, str) else value)
        errors: dict[str, list[str]] = {}
        try:
            carrier.full_clean()
        except ValidationError as error:
            errors.update(error.message_dict)
        if problems := _pattern_errors(carrier.tracking_url_pattern):
            errors.setdefault("tracking_url_pattern", []).extend(problems)
        if errors:
            raise OrderValidationError(errors)
        carrier.save()
    return carrier
