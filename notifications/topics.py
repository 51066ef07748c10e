"""The order topics a notification rule may answer, and the built-in texts to start from.

The list is read from the code that writes the events (the lifecycle's transitions and
the services' facts), so a new transition becomes configurable without touching this
module; a test checks the facts against the services' source.
"""

import re

from django.utils.translation import gettext_lazy as _

from notifications.messages import TOPIC_MESSAGES, Message

ORDER_PREFIX = "order."

# Facts `orders.services` and `conversations.services` record besides transitions.
FACT_LABELS = {
    "created": _("Order created"),
    "quote_priced": _("Quote priced"),
    "quote_sent": _("Quote sent to the client"),
    "quote_accepted": _("Quote accepted by the client"),
    "contract_signed": _("Contract signed"),
    "invoice_issued": _("Invoice issued"),
    "payment_recorded": _("Payment recorded"),
    "payment_refunded": _("Payment refunded"),
    "delivery_updated": _("Delivery details updated"),
    "manager_assigned": _("Manager assigned"),
    "message_posted": _("Chat message posted"),
    "feedback_left": _("Client feedback left"),
    "sla_breach": _("Stage SLA breached"),
    "sla_escalation": _("Stage SLA escalated"),
    "quote_reminder": _("Reminder: quote awaiting the client"),
    "service_reminder": _("Reminder: service due"),
    "payment_reminder": _("Reminder: invoice unpaid"),
    "recurring_created": _("Recurring order scheduled"),
    "recurring_stopped": _("Recurring order stopped"),
    "recurring_failed": _("Recurring order failed"),
}


def _transition_labels() -> dict[str, str]:
    from orders.models import Order

    transitions = Order._meta.get_field("state").get_all_transitions(Order)
    return {
        transition.name: (transition.custom or {}).get("label") or transition.name
        for transition in transitions
    }


def topic_labels() -> dict[str, str]:
    """topic -> label for every order topic: transitions first, in the lifecycle's order."""
    labels = {f"{ORDER_PREFIX}{name}": label for name, label in _transition_labels().items()}
    for action, label in FACT_LABELS.items():
        labels.setdefault(f"{ORDER_PREFIX}{action}", label)
    # A topic the built-in table knows but nobody labelled still gets offered.
    for topic in TOPIC_MESSAGES:
        if topic.startswith(ORDER_PREFIX):
            labels.setdefault(topic, topic.removeprefix(ORDER_PREFIX).replace("_", " "))
    return labels


def topic_choices() -> list[tuple[str, str]]:
    """Choices for `NotificationRule.topic`; a callable, so migrations do not freeze the list."""
    return [(topic, f"{label} ({topic})") for topic, label in topic_labels().items()]


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
    if audience in ("client", "manager"):
        initial["audience"] = audience
    else:
        initial.update(audience="role", role=audience)
    return initial
