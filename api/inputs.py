"""Building blocks of the API's serializers that keep input within what the database stores.

What a column cannot hold must be a 422 naming the field, not a `DataError` (a 500) from
PostgreSQL, nor a value SQLite quietly keeps: numbers have their column's digits, dates
and times a range every part of the system handles, and a field the API does not know is
refused rather than silently dropped (a misspelt field would otherwise look accepted).
"""

import datetime
from collections.abc import Mapping

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

EARLIEST_YEAR = 1900
LATEST_YEAR = 2100
UNKNOWN_FIELD_MESSAGE = _("Unknown field.")


def column_digits(model, field_name: str) -> dict:
    """`max_digits` and `decimal_places` of a model's DecimalField, for a serializer field."""
    column = model._meta.get_field(field_name)
    return {"max_digits": column.max_digits, "decimal_places": column.decimal_places}


def overflow_threshold(model, field_name: str):
    """The smallest value too large for a DecimalField's column."""
    digits = column_digits(model, field_name)
    return 10 ** (digits["max_digits"] - digits["decimal_places"])


def _year_outside_range(year: int) -> bool:
    return not EARLIEST_YEAR <= year <= LATEST_YEAR


def _year_range_message() -> str:
    return _("Give a date between the years %(earliest)s and %(latest)s.") % {
        "earliest": EARLIEST_YEAR,
        "latest": LATEST_YEAR,
    }


def timezone_has_seconds(value: datetime.datetime) -> bool:
    offset = value.utcoffset()
    return offset is not None and offset % datetime.timedelta(minutes=1) != datetime.timedelta()


class SupportedDateTimeField(serializers.DateTimeField):
    """A date and time within EARLIEST_YEAR..LATEST_YEAR, written as RFC 3339.

    Before standard time zones, a zone's offset is local mean time with seconds (Moscow:
    +02:30:17 until 1919), which RFC 3339 cannot express; such times are given in UTC.
    """

    def enforce_timezone(self, value):
        value = super().enforce_timezone(value)
        if timezone_has_seconds(value):
            return value.astimezone(datetime.UTC)
        return value

    def to_internal_value(self, value):
        value = super().to_internal_value(value)
        if _year_outside_range(value.astimezone(datetime.UTC).year):
            raise serializers.ValidationError(_year_range_message(), code="year_range")
        return value


class SupportedDateField(serializers.DateField):
    """A date within EARLIEST_YEAR..LATEST_YEAR."""

    def to_internal_value(self, value):
        value = super().to_internal_value(value)
        if _year_outside_range(value.year):
            raise serializers.ValidationError(_year_range_message(), code="year_range")
        return value


class RefuseUnknownFieldsMixin:
    """Refuses fields the serializer does not declare, each named with "Unknown field."

    Read-only fields are known: a client may send back what it read.
    """

    def to_internal_value(self, data):
        unknown = self.unknown_field_errors(data)
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            if unknown and isinstance(error.detail, Mapping):
                raise serializers.ValidationError({**error.detail, **unknown}) from error
            raise
        if unknown:
            raise serializers.ValidationError(unknown)
        return value

    def unknown_field_errors(self, data) -> dict:
        if not isinstance(data, Mapping):
            return {}
        return {str(name): [UNKNOWN_FIELD_MESSAGE] for name in data if str(name) not in self.fields}


class ApiSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    """Base of the API's plain serializers."""


class ApiModelSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    """Base of the API's model serializers: model dates and times through the fields above."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: SupportedDateTimeField,
        models.DateField: SupportedDateField,
    }
