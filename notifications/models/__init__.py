# The choice callables too: migrations name them by this path.
from notifications.models.deliveries import (
    Delivery,
    Notification,
    NotificationRule,
    _staff_role_choices,
    _topic_choices,
)
from notifications.models.outbox import OutboxMessage

__all__ = [
    "Delivery",
    "Notification",
    "NotificationRule",
    "OutboxMessage",
    "_staff_role_choices",
    "_topic_choices",
]
