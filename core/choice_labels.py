"""Choice labels of a model field as a plain dict, built once per language.

`get_FOO_display()` rebuilds and hashes the field's whole (lazy, translated) choice list on
every call; a list page calling it a few times per row spent more time there than in SQL.
"""

from functools import cache

from django.utils.translation import get_language


@cache
def _labels(model, field_name: str, language: str | None) -> dict:
    field = model._meta.get_field(field_name)
    return {value: str(label) for value, label in field.flatchoices}


def choice_labels(model, field_name: str) -> dict:
    """{stored value: label in the active language} for a field with choices."""
    return _labels(model, field_name, get_language())


def choice_label(labels: dict, value):
    """What `get_FOO_display()` shows: the label, else the value itself."""
    return labels.get(value, value)
