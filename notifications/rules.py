"""Notification rules: the services that change them, the reads, dispatch's choice, the preview.

Every write goes through `notification_rule_save` / `notification_rule_deactivate`, which
lock the rule and write it, its history row naming who, in one transaction. Dispatch
and the preview render through `notifications.channels.compose_message` and
`rule_rendering.render_rule_texts`, so a preview shows exactly what would be sent.
"""

from dataclasses import dataclass

from django.apps import apps
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.roles import STAFF_ROLES
from notifications.builtin_messages import EMAIL, IN_APP, messages_for
from notifications.channels import compose_message, order_for_notification, order_url
from notifications.models import NotificationRule, OutboxMessage
from notifications.rule_rendering import (
    render_rule_texts,
    rule_context,
    rule_key,
    template_error,
)
from notifications.topics import ORDER_PREFIX, topic_labels

FIELDS = (
    "topic",
    "workflow",
    "audience",
    "role",
    "channels",
    "subject_template",
    "body_template",
    "is_active",
)


class NotificationRuleError(Exception):
    """Invalid rule data; `errors` maps field names to messages, as a form shows them."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True)
class RuleSpec:
    """A rule as dispatch fans it out: the same shape as a built-in `Message`."""

    key: str
    audiences: tuple[str, ...]
    channels: tuple[str, ...]


def _values(rule: NotificationRule) -> dict:
    """What a save could change: a save that changes none of it is skipped."""
    return {name: getattr(rule, "workflow_id" if name == "workflow" else name) for name in FIELDS}


def notification_rule_validate(data: dict) -> dict:
    """The rule's values cleaned, or `NotificationRuleError` naming each bad field."""
    errors: dict[str, list[str]] = {}
    if data.get("topic") not in topic_labels():
        errors["topic"] = [_("Choose an order event.")]
    audience = data.get("audience")
    if audience not in NotificationRule.Audience.values:
        errors["audience"] = [_("Choose who receives the message.")]
    role = data.get("role") or ""
    if audience == NotificationRule.Audience.ROLE and role not in STAFF_ROLES:
        errors["role"] = [_("Choose the role whose members receive the message.")]
    channels = list(dict.fromkeys(data.get("channels") or []))
    if not channels or not set(channels) <= {EMAIL, IN_APP}:
        errors["channels"] = [_("Choose email, in-app or both.")]
    for field in ("subject_template", "body_template"):
        source = data.get(field) or ""
        if not source.strip():
            errors[field] = [_("This field is required.")]
        elif "\x00" in source:
            errors[field] = [_("The text contains a NUL character.")]
        elif problem := template_error(source):
            errors[field] = [problem]
    if errors:
        raise NotificationRuleError(errors)
    return {
        **{field: data.get(field) for field in FIELDS},
        "role": role if audience == NotificationRule.Audience.ROLE else "",
        "channels": channels,
        "is_active": bool(data.get("is_active", True)),
    }


def notification_rule_save(*, rule: NotificationRule | None, data: dict, by) -> NotificationRule:
    """Create (`rule=None`) or change a rule from `data` (the `FIELDS`; workflow an instance).

    Requires valid templates: a syntax error raises `NotificationRuleError` naming the
    field, and nothing is written. Writes the rule when something changed (its history
    records the values and `by`), in one transaction. Schedules nothing:
    the next dispatch of the topic reads the rule.
    """
    values = notification_rule_validate(data)
    with transaction.atomic():
        if rule is None:
            rule = NotificationRule(**values, updated_by=by)
            _history_user_set(rule, by)
            rule.save()
            return rule
        # Locked, so two admins saving at once leave two history rows in a true order.
        locked = NotificationRule.objects.select_for_update().get(pk=rule.pk)
        before = _values(locked)
        for field, value in values.items():
            setattr(locked, field, value)
        if _values(locked) == before:
            return locked
        locked.updated_by = by
        _history_user_set(locked, by)
        locked.save()
    return locked


def notification_rule_deactivate(*, rule: NotificationRule, by) -> NotificationRule:
    """Switch a rule off (its topic falls back to other rules or the built-in texts).

    Idempotent: an inactive rule stays as it is and gets no new history row.
    """
    with transaction.atomic():
        locked = NotificationRule.objects.select_for_update().get(pk=rule.pk)
        if not locked.is_active:
            return locked
        locked.is_active = False
        locked.updated_by = by
        _history_user_set(locked, by)
        locked.save(update_fields=["is_active", "updated_by", "updated_at"])
    return locked


def _history_user_set(rule, by) -> None:
    if by is not None:  # else the history names the request's user, if any
        rule._history_user = by


def notification_rule_list() -> QuerySet[NotificationRule]:
    return NotificationRule.objects.select_related("workflow", "updated_by").order_by(
        "topic", "-is_active", "workflow__name", "id"
    )


def notification_rule_history(*, rule: NotificationRule) -> QuerySet:
    """The rule's history rows, newest first, with who made them."""
    return rule.history.select_related("history_user")


def webhook_counts_by_topic(topics) -> dict[str, int]:
    """How many active webhook subscriptions receive each topic (one query)."""
    subscription_model = apps.get_model("api", "WebhookSubscription")
    active = list(
        subscription_model.objects.filter(is_active=True, client__revoked_at__isnull=True)
    )
    return {topic: sum(1 for s in active if s.matches(topic)) for topic in topics}


def active_rules_for(*, topic: str, workflow_id: int | None) -> list[NotificationRule]:
    """The active rules of `topic` that apply to an order of this workflow."""
    workflows = Q(workflow__isnull=True)
    if workflow_id is not None:
        workflows |= Q(workflow_id=workflow_id)
    return list(
        NotificationRule.objects.filter(workflows, topic=topic, is_active=True).order_by("id")
    )


def notification_specs_for(topic: str, payload: dict, order) -> list:
    """What an event sends: its topic's matching rules if any, else the built-in messages."""
    if order is not None and topic.startswith(ORDER_PREFIX):
        rules = active_rules_for(topic=topic, workflow_id=order.workflow_id)
        if rules:
            return [
                RuleSpec(
                    key=rule_key(rule.pk),
                    audiences=(rule.audience_key,),
                    channels=tuple(rule.channels),
                )
                for rule in rules
            ]
    return messages_for(topic, payload)


def preview_payload(*, order, topic: str) -> dict:
    """The payload of the order's latest event of `topic`, or what such an event would carry."""
    message = (
        OutboxMessage.objects.filter(aggregate_type="order", aggregate_id=order.pk, topic=topic)
        .order_by("-id")
        .first()
    )
    if message is not None:
        return message.payload
    return {
        "order_id": order.pk,
        "number": order.number,
        "action": topic.removeprefix(ORDER_PREFIX),
        "from_state": order.state,
        "to_state": order.state,
    }


def rule_preview(
    *,
    subject_template: str,
    body_template: str,
    audience: str,
    order,
    payload: dict,
    language: str,
) -> dict:
    """What a rule sends for `order` (subject, email text and HTML), without sending anything.

    Renders through the functions dispatch uses; the link is the order's page in the
    portal of the audience (clients in theirs, staff on the desk), as delivered.
    """
    order = order_for_notification(order.pk)
    with translation.override(language):
        url = order_url(order, is_staff=audience != NotificationRule.Audience.CLIENT)
        texts = render_rule_texts(
            subject_template=subject_template,
            body_template=body_template,
            context=rule_context(order, payload=payload, url=url),
        )
        return compose_message(
            subject=texts.subject,
            headline=texts.text,
            headline_html=texts.html,
            order=order,
            payload=payload,
            url=url,
        )
