"""Codes as people read them: a state, an event's action, a role, by their translated label.

`{% load labels %}` then `{{ order_event.to_state|state_label }}`. An unknown code (one a
later version retired) shows as it is rather than breaking the page.
"""

from django import template

from accounts.roles import Role
from portals.timeline import action_label as _action_label
from portals.timeline import state_label as _state_label

register = template.Library()


@register.filter
def state_label(value) -> str:
    return str(_state_label(value)) if value else ""


@register.filter
def action_label(value) -> str:
    return _action_label(value) if value else ""


@register.filter
def role_label(value) -> str:
    try:
        return str(Role(value).label)
    except ValueError:
        return value


@register.filter
def currency_sign(code) -> str:
    """The rouble as people write it (1 234,50 ₽); another currency by its code."""
    return "₽" if code == "RUB" else code
