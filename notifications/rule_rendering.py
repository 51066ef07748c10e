"""Rendering a notification rule's subject and text: the one function dispatch and preview share.

Templates are Django template syntax compiled by an engine of their own: only the default
tags and filters (no `{% load %}` library exists for them), no template loading, and a
context of plain values rather than model instances, so a template cannot walk from the
order to, say, a user's password hash. The text is rendered twice: as plain text (email
text part, in-app notification) and autoescaped for the HTML part of the email.
"""

from dataclasses import dataclass

from django.conf import settings
from django.template import Context, Engine, Template, TemplateSyntaxError
from django.template.defaulttags import DebugNode
from django.template.loader_tags import ExtendsNode, IncludeNode
from django.utils.html import linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

RULE_KEY_PREFIX = "rule:"
SUBJECT_MAX_LENGTH = 255

# Escaping is chosen per render by the Context (plain text vs HTML), not by the engine.
_ENGINE = Engine(libraries={})
# `{% debug %}` would print the whole context; include/extends would read files.
_FORBIDDEN_NODES = (DebugNode, IncludeNode, ExtendsNode)


class RuleRenderError(Exception):
    """A stored template that no longer renders (kept for the delivery's error log)."""


@dataclass(frozen=True)
class RuleTexts:
    subject: str
    text: str
    html: SafeString


def rule_key(rule_id: int) -> str:
    """The `Delivery.message_key` of a rule's deliveries."""
    return f"{RULE_KEY_PREFIX}{rule_id}"


def rule_id_of(message_key: str) -> int | None:
    if not message_key.startswith(RULE_KEY_PREFIX):
        return None
    return int(message_key.removeprefix(RULE_KEY_PREFIX))


def _compile(source: str, engine: Engine) -> Template:
    template = Template(source, engine=engine)
    for node_type in _FORBIDDEN_NODES:
        if template.nodelist.get_nodes_by_type(node_type):
            raise TemplateSyntaxError(_("This tag is not allowed in notification texts."))
    return template


def template_error(source: str) -> str | None:
    """Why `source` cannot be a rule's template, or None when it can."""
    try:
        _compile(source, _ENGINE)
    except TemplateSyntaxError as error:
        return _("Template error: %(error)s") % {"error": error}
    return None


def _person(user) -> dict:
    if user is None:
        return {"name": "", "email": "", "phone": ""}
    return {
        "name": user.get_full_name() or user.username,
        "email": user.email,
        "phone": getattr(user, "phone", ""),
    }


def rule_context(order, *, payload: dict, url: str) -> dict:
    """What a rule's template may use; plain values only (see the module's docstring)."""
    customer = order.customer
    contact = order.contact
    state_label = str(order.get_state_display())
    return {
        "number": order.number,
        "state": order.state,
        "state_label": state_label,
        "order": {
            "number": order.number,
            "kind": str(order.get_kind_display()),
            "state": order.state,
            "state_label": state_label,
            "subject": order.subject,
            "total": order.total,
            "currency": order.currency,
            "created_at": order.created_at,
            "expected_delivery_date": order.expected_delivery_date,
            "delivery_status": str(order.get_delivery_status_display() or ""),
            "carrier": order.carrier,
            "tracking_number": order.tracking_number,
            "tracking_url": order.tracking_url,
            "service_date": order.service_date,
            "service_place": order.service_place,
            "delivery_method": str(order.get_delivery_method_display() or ""),
            "delivery_address": order.delivery_address,
            "comment": order.comment,
            "cancel_reason": order.cancel_reason,
            "url": url,
        },
        "customer": {"name": customer.name, "email": customer.email, "phone": customer.phone},
        "contact": {
            "name": contact.name if contact else "",
            "email": contact.email if contact else "",
            "phone": contact.phone if contact else "",
        },
        "manager": _person(order.manager or customer.manager),
        "payload": dict(payload),
        "url": url,
        "site_url": settings.SITE_URL,
    }


def render_rule_texts(*, subject_template: str, body_template: str, context: dict) -> RuleTexts:
    """Subject (one line), plain text and HTML of a rule for one order, in the active language."""
    try:
        body = _compile(body_template, _ENGINE)
        subject = _compile(subject_template, _ENGINE).render(Context(context, autoescape=False))
        text = body.render(Context(context, autoescape=False))
        html = body.render(Context(context, autoescape=True))
    except Exception as error:  # a template that compiled on save may still fail on odd data
        raise RuleRenderError(f"{type(error).__name__}: {error}") from error
    # Email headers allow no line breaks; the in-app title is one line too.
    subject = " ".join(subject.split())[:SUBJECT_MAX_LENGTH]
    return RuleTexts(
        subject=subject,
        text=text.strip(),
        html=mark_safe(linebreaks(html.strip(), autoescape=False)),  # noqa: S308 - rendered with autoescape on
    )
