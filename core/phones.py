"""Phone numbers typed before they were checked, brought to E.164 where they parse."""

import re

import phonenumbers


def phone_to_e164(raw: str, region: str = "RU") -> str:
    """`raw` as E.164 when it is a valid number, else unchanged (kept, never lost)."""
    if not raw or not raw.strip():
        return ""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return raw
    if not phonenumbers.is_valid_number(number):
        return raw
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phones_normalise(model) -> None:
    """For a data migration: rewrite every stored `phone` of `model` as E.164 where it parses."""
    for pk, raw in model.objects.exclude(phone="").values_list("pk", "phone").iterator():
        normalised = phone_to_e164(raw)
        if normalised != raw:
            model.objects.filter(pk=pk).update(phone=normalised)


PHONE_FRAGMENT_MIN_DIGITS = 4


def phone_query_forms(raw: str, region: str = "RU") -> tuple[str, str]:
    """What a search query means as a phone: (its E.164 form when it is a whole valid
    number, else ""; its digits when it is typed like a phone and has at least four,
    else ""). "8 (912) 345-67-89" gives ("+79123456789", "89123456789"), "345-67" gives
    ("", "34567"), "Ромашка" gives ("", "")."""
    raw = raw.strip()
    if not re.fullmatch(r"[\d\s()+\-.]+", raw):
        return "", ""
    digits = re.sub(r"\D", "", raw)
    e164 = phone_to_e164(raw, region)
    return (
        e164 if e164.startswith("+") else "",
        digits if len(digits) >= PHONE_FRAGMENT_MIN_DIGITS else "",
    )
