"""The accounts' write path, one module per use case; callers import from here."""

from accounts.services.preferences import user_notification_preferences_set
from accounts.services.registration import (
    SIGNUP_CONFIRMATION_TOPIC,
    ConfirmationTokenGenerator,
    registration_awaits_confirmation,
    registration_confirm,
    registration_confirmation_link,
    registration_confirmation_resend,
    registration_confirmation_send,
)
from accounts.services.staff import user_active_set, user_invite, user_roles_set

__all__ = [
    "SIGNUP_CONFIRMATION_TOPIC",
    "ConfirmationTokenGenerator",
    "registration_awaits_confirmation",
    "registration_confirm",
    "registration_confirmation_link",
    "registration_confirmation_resend",
    "registration_confirmation_send",
    "user_active_set",
    "user_invite",
    "user_notification_preferences_set",
    "user_roles_set",
]
