"""Serializer output without DRF's per-request field building and per-field dispatch.

A DRF serializer builds its fields on every instantiation (a model serializer introspects
the model for each one) and reads each value through `Field.get_attribute`. For a page of
orders or a created order's detail that was most of the request's CPU. `FastOutputMixin`
builds a class's fields once per process and renders each object with a plain loop over
them: the same fields, the same `to_representation` of each, so the same JSON; the schema
still comes from the declared serializers. Input (`data=`) is untouched.
"""

from collections.abc import Mapping

from django.core.exceptions import ObjectDoesNotExist
from rest_framework.fields import Field, SerializerMethodField, SkipField
from rest_framework.relations import PKOnlyObject

_PLANS: dict[type, tuple] = {}

# How a field's value is found: by its attribute path, as the serializer's method, or by
# the field's own `get_attribute` (overridden, `source="*"`, or anything unusual).
_ATTRIBUTE, _METHOD, _FIELD = 0, 1, 2


def _plan(serializer_class) -> tuple:
    """(field name, how, attribute path or method, field) for each readable field,
    from one instance of the class kept for the process. Its fields keep no per-request
    state: method fields are called on the serializer being rendered, not on the kept one."""
    plan = _PLANS.get(serializer_class)
    if plan is None:
        prototype = serializer_class()
        steps = []
        for field in prototype._readable_fields:
            if isinstance(field, SerializerMethodField):
                # The serializer class's own `get_<field>` function, found once: it is
                # called with the serializer being rendered (its context), not the kept one.
                method = getattr(serializer_class, field.method_name)
                steps.append((field.field_name, _METHOD, method, field))
            elif type(field).get_attribute is Field.get_attribute and field.source != "*":
                steps.append((field.field_name, _ATTRIBUTE, tuple(field.source_attrs), field))
            else:
                steps.append((field.field_name, _FIELD, None, field))
        plan = _PLANS[serializer_class] = tuple(steps)
    return plan


def _attribute(instance, path, field):
    """`field.get_attribute(instance)` for a plain attribute path, without its overhead;
    anything but plain attributes (a callable, a missing one) goes to DRF's own rules."""
    value = instance
    try:
        for name in path:
            value = getattr(value, name)
    except ObjectDoesNotExist:
        return None
    except (AttributeError, KeyError):
        return field.get_attribute(instance)
    if callable(value):
        return field.get_attribute(instance)
    return value


# For read serializers: what `Serializer.to_representation` returns, computed faster. No
# docstring: the schema describes a component by the first docstring of its classes.
class FastOutputMixin:
    def to_representation(self, instance):
        if isinstance(instance, Mapping):
            return super().to_representation(instance)
        output = {}
        for name, how, where, field in _plan(type(self)):
            if how == _METHOD:
                output[name] = where(self, instance)
                continue
            try:
                if how == _ATTRIBUTE:
                    value = _attribute(instance, where, field)
                else:
                    value = field.get_attribute(instance)
            except SkipField:
                continue
            if value is None or (isinstance(value, PKOnlyObject) and value.pk is None):
                output[name] = None
            else:
                output[name] = field.to_representation(value)
        return output
