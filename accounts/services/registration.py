"""A client's login awaits the confirmation of its email address: the link we send,
send again, and check. The sign-up itself (customer, contact and login) is
`customers.signup.client_register`, a use case above both apps.

The link leaves through the outbox, written in the sign-up's own transaction: a mail
server that is down delays the letter (the worker retries) and never fails the sign-up.
Until it is confirmed, the account may ask for the link again.
"""

import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from notifications.outbox import outbox_write

# notifications.builtin_messages maps this topic to the confirmation email.
SIGNUP_CONFIRMATION_TOPIC = "account.signup_confirmation"


class ConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """Spent once the account is active: a confirmation link works one time."""

    # The module's old path, kept: a new salt would void every link already sent.
    key_salt = "accounts.registration.ConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"


confirmation_tokens = ConfirmationTokenGenerator()


def registration_confirmation_send(user) -> None:
    """Write the email with a confirmation link for `user` to the outbox.

    Requires an open transaction (the caller's change and the email commit together).
    The payload carries no token: the link is made when the email is sent, so it stays
    valid for its full lifetime however long the mail server was down.
    """
    outbox_write(
        topic=SIGNUP_CONFIRMATION_TOPIC,
        aggregate_type="user",
        aggregate_id=user.pk,
        payload={"user_id": user.pk, "email": user.email, "language": user.language},
        # Every request is a new email; the rate limits keep their number down.
        dedupe_key=f"{SIGNUP_CONFIRMATION_TOPIC}:{user.pk}:{uuid.uuid4().hex}",
    )


def registration_confirmation_resend(*, email: str) -> None:
    """Send the link again if `email` belongs to a sign-up awaiting confirmation.

    Returns nothing either way, so the caller cannot tell whether the address is known.
    Writes one outbox row for such an account, none otherwise.
    """
    User = get_user_model()  # noqa: N806
    email = User.objects.normalize_email(email).lower()
    with transaction.atomic():
        user = User.objects.filter(
            email__iexact=email, is_active=False, is_pending_confirmation=True
        ).first()
        if user is not None:
            registration_confirmation_send(user)


def registration_awaits_confirmation(user) -> bool:
    return user is not None and user.is_pending_confirmation and not user.is_active


def registration_confirmation_link(user) -> str:
    """The one-time link that activates `user`; made when the email is sent."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return settings.SITE_URL + reverse(
        "accounts:register_confirm", args=[uid, confirmation_tokens.make_token(user)]
    )


def registration_confirm(uidb64: str, token: str):
    """Activate the account the link was sent for; None when the link is wrong or used."""
    User = get_user_model()  # noqa: N806
    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)))
    except (User.DoesNotExist, ValueError, TypeError, OverflowError):
        return None
    if not registration_awaits_confirmation(user) or not confirmation_tokens.check_token(
        user, token
    ):
        return None
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user
