"""Russian company identifiers and bank details, checked by their control digits.

INN and OGRN come from python-stdnum; it has no KPP, BIK or bank account, so those are here.
"""

import re
from itertools import cycle
from types import ModuleType

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as NumberError
from stdnum.ru import inn, ogrn

# Letters in places 5-6 are capital Latin ones (the tax service's order of 2012).
_KPP = re.compile(r"[0-9]{4}[0-9A-Z]{2}[0-9]{3}")
_BIK = re.compile(r"[0-9]{9}")
_ACCOUNT = re.compile(r"[0-9]{20}")


def _check_number(number: ModuleType, value: str, *, format_message, mismatch_message) -> None:
    # stdnum forgives spaces, but the stored value is what documents print and 1C matches on.
    if number.compact(value) != value:
        raise ValidationError(format_message)
    try:
        number.validate(value)
    except (InvalidFormat, InvalidLength):
        raise ValidationError(format_message) from None
    except NumberError:
        raise ValidationError(mismatch_message) from None


def validate_inn(value: str) -> None:
    _check_number(
        inn,
        value,
        format_message=_("INN must be 10 digits for a company or 12 for a person."),
        mismatch_message=_("INN control digits do not match: check the number."),
    )


def validate_ogrn(value: str) -> None:
    """OGRN of a company (13 digits) or OGRNIP of an individual entrepreneur (15)."""
    _check_number(
        ogrn,
        value,
        format_message=_("OGRN must be 13 digits (15 for an individual entrepreneur)."),
        mismatch_message=_("OGRN control digit does not match: check the number."),
    )


def validate_kpp(value: str) -> None:
    if not _KPP.fullmatch(value):
        raise ValidationError(
            _("KPP must be 9 characters: 4 digits, 2 digits or letters, 3 digits.")
        )


def validate_bik(value: str) -> None:
    # No check of the first digits: banks' BIKs start with 04, the Treasury's (since 2021) with 00.
    if not _BIK.fullmatch(value):
        raise ValidationError(_("BIK must be 9 digits."))


def validate_account_number(value: str) -> None:
    if not _ACCOUNT.fullmatch(value):
        raise ValidationError(_("An account number must be 20 digits."))


def _account_key_matches(bank_number: str, account: str) -> bool:
    # The Bank of Russia's key (its order No. 515 of 8 September 1997): the bank's 3-digit number
    # followed by the account, weighted 7, 1, 3 in turn, sums to a multiple of 10.
    digits = bank_number + account
    return sum(int(digit) * weight for digit, weight in zip(digits, cycle((7, 1, 3)))) % 10 == 0


def validate_settlement_account(account: str, *, bik: str) -> None:
    """The key of an account at a bank, whose number is the BIK's last 3 digits.

    Silent while either number is malformed: validate_account_number and validate_bik,
    the fields' own validators, report that.
    """
    if (
        _ACCOUNT.fullmatch(account)
        and _BIK.fullmatch(bik)
        and not _account_key_matches(bik[-3:], account)
    ):
        raise ValidationError(
            _("The settlement account does not match the BIK: check both numbers.")
        )


def validate_correspondent_account(account: str, *, bik: str) -> None:
    """The key of a bank's account at the Bank of Russia, numbered 0 and the BIK's 5th-6th digits.

    Silent while either number is malformed, as validate_settlement_account.
    """
    if (
        _ACCOUNT.fullmatch(account)
        and _BIK.fullmatch(bik)
        and not _account_key_matches("0" + bik[4:6], account)
    ):
        raise ValidationError(
            _("The correspondent account does not match the BIK: check both numbers.")
        )
