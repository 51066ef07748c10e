"""The order topics a notification rule may answer, and the built-in texts to start from.

An order topic is an `OrderAction`'s, labelled by the enumeration, so a new transition or
fact becomes configurable without touching this module; or one of the topics
`conversations.services` writes without an order event.
"""

import re

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from notifications.builtin_messages import TOPIC_MESSAGES, Message
from orders.actions import OrderAction, delivery_status_topic
from orders.lifecycle import DeliveryStatus

ORDER_PREFIX = "order."

# Outbox rows only: a chat message or a rating is no `OrderEvent`, so it has no `OrderAction`.
CONVERSATION_TOPIC_LABELS = {
    "order.message_posted": _("Chat message posted"),
    "order.feedback_left": _("Client feedback left"),
    "order.feedback_low": _("Low client rating (1 or 2 of 5)"),
}


# Outbox rows beside a `DELIVERY_UPDATED` event whose sub-status changed, one topic each.
DELIVERY_STATUS_TOPIC_LABELS = {
    delivery_status_topic(status): format_lazy(_("Delivery status: {}"), status.label)
    for status in DeliveryStatus
}

# What a rule about the shipment adds to the built-in text it starts from.
SHIPMENT_TEMPLATE = _(
    "{% if order.carrier %}Carrier: {{ order.carrier }}.\n{% endif %}"
    "{% if order.tracking_number %}Tracking number: {{ order.tracking_number }}.\n{% endif %}"
    "{% if order.tracking_url %}Track the shipment: {{ order.tracking_url }}{% endif %}"
)
# And what one about the service adds.
SERVICE_TEMPLATE = _(
    '{% if order.service_date %}Service date: {{ order.service_date|date:"d.m.Y" }}.\n{% endif %}'
    "{% if order.service_place %}Service place: {{ order.service_place }}.{% endif %}"
)


def topic_labels() -> dict[str, str]:
    """topic -> label for every order topic: the actions in the enumeration's order
    (transitions first, in the lifecycle's order), then the conversations' topics."""
    labels = {action.topic: action.label for action in OrderAction}
    labels.update(CONVERSATION_TOPIC_LABELS)
    labels.update(DELIVERY_STATUS_TOPIC_LABELS)
    # A topic the built-in table knows but nobody labelled still gets offered.
    for topic in TOPIC_MESSAGES:
        if topic.startswith(ORDER_PREFIX):
            labels.setdefault(topic, topic.removeprefix(ORDER_PREFIX).replace("_", " "))
    return labels


def topic_choices() -> list[tuple[str, str]]:
    """Choices for `NotificationRule.topic`; a callable, so migrations do not freeze the list."""
    return list(topic_labels().items())


_PERCENT_NAME = re.compile(r"%\((\w+)\)s")


def template_from_builtin(text: str) -> str:
    """A built-in text ("Order %(number)s received") as template syntax ("{{ number }}")."""
    return _PERCENT_NAME.sub(r"{{ \1 }}", str(text))


def prefill_from_builtin(message: Message) -> dict:
    """A new rule's initial values: the built-in message's audience, channels and texts."""
    audience = message.audiences[0]
    initial = {
        "channels": list(message.channels),
        "subject_template": template_from_builtin(message.subject),
        "body_template": template_from_builtin(message.headline),
    }
    if message.shows_shipment:
        initial["body_template"] += "\n" + str(SHIPMENT_TEMPLATE)
    if message.shows_service:
        initial["body_template"] += "\n" + str(SERVICE_TEMPLATE)
    if audience in ("client", "manager"):
        initial["audience"] = audience
    else:
        initial.update(audience="role", role=audience)
    return initial
