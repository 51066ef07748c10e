"""The user's own choice of which messages reach them on which channel."""

from accounts.models import User
from accounts.preferences import CHANNELS, notification_kinds_for, preference_key


def user_notification_preferences_set(*, user, enabled: set[tuple[str, str]]) -> User:
    """Keep on exactly the (kind, channel) pairs in `enabled` among those the user may receive.

    Requires the user themselves as the caller (the profile page). Writes the user's
    `notifications_off`; dispatch reads it for every later message. Pairs outside the
    user's kinds are ignored; what is switched off stays off until switched on here.
    """
    kinds = notification_kinds_for(user)
    off = sorted(
        preference_key(kind, channel)
        for kind in kinds
        for channel, _label in CHANNELS
        if (kind, channel) not in enabled
    )
    User.objects.filter(pk=user.pk).update(notifications_off=off)
    user.notifications_off = off
    return user
