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


class ChoiceLabelsMixin:
    """A model whose `get_FOO_display()` reads `choice_labels`: on a page that shows a few
    states, kinds and methods per row the rebuilt choice lists added up."""

    def _get_FIELD_display(self, field):  # noqa: N802 (Django's name)
        value = getattr(self, field.attname)
        try:
            return _labels(field.model, field.name, get_language()).get(value, value)
        except TypeError:  # an unhashable value: Django's own way
            return super()._get_FIELD_display(field)
