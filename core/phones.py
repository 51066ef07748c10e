"""Phone numbers typed before they were checked, brought to E.164 where they parse."""

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
