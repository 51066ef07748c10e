import datetime

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError

from api.problems import BadRequest, flatten_errors
from catalog.models import Item
from customers.models import Customer
from orders.lifecycle import OrderKind, State
from orders.models import Order


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class UtcIsoDateTimeField(IsoDateTimeField):
    """In UTC: PostgreSQL refuses offsets past ±15:59 that ISO 8601 and Python accept."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(datetime.UTC)
        except OverflowError as error:
            raise forms.ValidationError(
                _("Enter a date and time between years 1 and 9999.")
            ) from error


class UpdatedSinceFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("Changed at or after this time (ISO 8601)."))
        super().__init__(field_name="updated_at", lookup_expr="gte", **kwargs)


class QueryFilterBackend(DjangoFilterBackend):
    """A bad query parameter is the request's fault (400), not the body's (422)."""

    def filter_queryset(self, request, queryset, view):
        try:
            return super().filter_queryset(request, queryset, view)
        except ValidationError as error:
            raise BadRequest(errors=flatten_errors(error.detail)) from error


class OrderFilter(django_filters.FilterSet):
    # `distinct=False`: the state is the order's own column, so no join can repeat an order,
    # and a DISTINCT would make the database sort every matching row before paging.
    state = django_filters.MultipleChoiceFilter(
        choices=State.choices,
        distinct=False,
        help_text=_("Orders in any of these states; repeat to give more."),
    )
    kind = django_filters.ChoiceFilter(choices=OrderKind.choices, help_text=_("Order kind."))
    customer = IdFilter(field_name="customer_id", min_value=1, help_text=_("Customer ID."))
    customer_external_id = django_filters.CharFilter(
        field_name="customer__external_id",
        max_length=100,
        help_text=_("Customer's external ID."),
    )
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Order
        fields = ["state", "kind", "customer", "customer_external_id", "updated_since"]


class CustomerFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Customer.Kind.choices)
    inn = django_filters.CharFilter(max_length=12)
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Customer
        fields = ["kind", "inn", "updated_since"]


class ItemFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Item.Kind.choices)
    sku = django_filters.CharFilter(max_length=64)
    is_active = django_filters.BooleanFilter()
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Item
        fields = ["kind", "sku", "is_active", "updated_since"]
