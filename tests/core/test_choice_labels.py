"""`get_FOO_display()` from the per-language label cache says what Django's own says."""

import pytest
from django.db.models import Model
from django.utils import translation

from orders.models import Invoice, Order, Payment, Quote


@pytest.mark.parametrize("language", ["ru", "en"])
@pytest.mark.parametrize(
    ("model", "field_name"),
    [
        (Order, "state"),
        (Order, "kind"),
        (Order, "channel"),
        (Order, "delivery_status"),
        (Payment, "method"),
        (Quote, "status"),
        (Invoice, "status"),
    ],
)
def test_every_value_and_an_unknown_one_read_as_djangos_own(language, model, field_name):
    field = model._meta.get_field(field_name)
    values = [value for value, _label in field.flatchoices] + ["retired-code", ""]
    with translation.override(language):
        for value in values:
            instance = model(**{field.attname: value})
            ours = getattr(instance, f"get_{field_name}_display")()
            djangos = Model._get_FIELD_display(instance, field)
            assert ours == djangos
            assert type(ours) is str


def test_the_label_follows_the_active_language():
    order = Order(state="quote")

    with translation.override("ru"):
        russian = order.get_state_display()
    with translation.override("en"):
        english = order.get_state_display()

    assert russian != english
    assert english == "Quote"
