"""Which kind of message (as users switch them off on their profile) an outbox topic is."""

from accounts.preferences import NotificationKind
from orders.actions import OrderAction

TOPIC_KINDS = {
    "cart.reminder": NotificationKind.CART_REMINDERS,
    "task.assigned": NotificationKind.TASKS,
    OrderAction.SLA_BREACH.topic: NotificationKind.ALERTS,
    OrderAction.SLA_ESCALATION.topic: NotificationKind.ALERTS,
    "order.message_posted": NotificationKind.CONVERSATIONS,
    "order.feedback_left": NotificationKind.CONVERSATIONS,
    "order.feedback_low": NotificationKind.CONVERSATIONS,
}


def notification_kind_of(topic: str) -> str | None:
    """The kind of a topic's messages; None for what nobody may switch off (a sign-up's
    confirmation). Every other order topic, a new one included, is an order update."""
    if topic in TOPIC_KINDS:
        return TOPIC_KINDS[topic]
    if topic.startswith("order."):
        return NotificationKind.ORDER_UPDATES
    return None
