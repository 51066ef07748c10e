"""Russian tax identifiers, checked by their control digits as the tax service defines them."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _control_digit(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def validate_inn(value: str) -> None:
    if not value.isdigit() or len(value) not in (10, 12):
        raise ValidationError(_("INN must be 10 digits for a company or 12 for a person."))
    if len(value) == 10:
        valid = _control_digit(value, _INN10_WEIGHTS) == int(value[9])
    else:
        valid = _control_digit(value, _INN12_WEIGHTS_11) == int(value[10]) and _control_digit(
            value, _INN12_WEIGHTS_12
        ) == int(value[11])
    if not valid:
        raise ValidationError(_("INN control digits do not match: check the number."))


def validate_kpp(value: str) -> None:
    if len(value) != 9 or not value[:4].isdigit() or not value[6:].isdigit():
        raise ValidationError(
            _("KPP must be 9 characters: 4 digits, 2 digits or letters, 3 digits.")
        )
