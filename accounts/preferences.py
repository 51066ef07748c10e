"""Which kinds of message a user has switched off, per channel; everything is on by default.

Stored on the user as the switched-off pairs ("kind:channel"), so a user nobody asked keeps
every message and dispatch reads the setting from the user row it already has.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

EMAIL, IN_APP = "email", "in_app"
CHANNELS = ((EMAIL, _("Email")), (IN_APP, _("In the account")))
CLIENT_PERMISSION = "orders.act_as_client"


class NotificationKind(models.TextChoices):
    CART_REMINDERS = "cart_reminders", _("Reminders of items left in the cart")
    ORDER_UPDATES = "order_updates", _("Order status updates")
    CONVERSATIONS = "conversations", _("Chat messages and client feedback")
    TASKS = "tasks", _("Tasks given to me")
    ALERTS = "alerts", _("Orders overdue at their stage and escalations")


CLIENT_KINDS = (
    NotificationKind.CART_REMINDERS,
    NotificationKind.ORDER_UPDATES,
    NotificationKind.CONVERSATIONS,
)
STAFF_KINDS = (
    NotificationKind.ORDER_UPDATES,
    NotificationKind.CONVERSATIONS,
    NotificationKind.TASKS,
    NotificationKind.ALERTS,
)


def preference_key(kind: str, channel: str) -> str:
    return f"{kind}:{channel}"


def notification_kinds_for(user) -> tuple[NotificationKind, ...]:
    """The kinds a user may receive, and so may switch off: a client's or staff's."""
    return CLIENT_KINDS if user.has_perm(CLIENT_PERMISSION) else STAFF_KINDS


def notification_wanted(user, *, kind: str | None, channel: str) -> bool:
    """False only when the user switched this kind off on this channel."""
    if kind is None:
        return True
    return preference_key(kind, channel) not in (user.notifications_off or [])
