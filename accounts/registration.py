"""A new client signs up: a customer, its contact and a login, active once the email
address is confirmed by the link we send."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.roles import Role
from customers.models import Contact, Customer


class ConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """Spent once the account is active: a confirmation link works one time."""

    key_salt = "accounts.registration.ConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"


confirmation_tokens = ConfirmationTokenGenerator()


def client_register(
    *,
    kind: str,
    organisation: str,
    inn: str,
    name: str,
    email: str,
    phone: str,
    password: str,
    language: str,
):
    """Create the customer, its primary contact and an inactive client login.

    Raises ValidationError naming each bad field; then nothing is saved.
    """
    User = get_user_model()  # noqa: N806 (Django's idiom for the swappable model)
    email = User.objects.normalize_email(email).lower()
    errors = {}
    if (
        User.objects.filter(email__iexact=email).exists()
        or User.objects.filter(username=email).exists()
    ):
        errors["email"] = [_("An account with this email exists: log in or reset the password.")]
    user = User(username=email, email=email, first_name=name, phone=phone, language=language)
    try:
        validate_password(password, user)
    except ValidationError as error:
        errors["password"] = list(error.messages)
    customer = Customer(
        kind=kind,
        name=organisation.strip() if kind == Customer.Kind.COMPANY else name.strip(),
        inn=inn.strip(),
        email=email,
        phone=phone,
    )
    try:
        customer.full_clean(exclude=["manager"])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors["organisation" if field == "name" else field] = messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        user.is_active = False
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=Role.CLIENT))
        customer.save()
        Contact.objects.create(
            customer=customer, name=name, email=email, phone=phone, is_primary=True, user=user
        )
    return user


def registration_confirmation_send(user) -> None:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = settings.SITE_URL + reverse(
        "accounts:register_confirm", args=[uid, confirmation_tokens.make_token(user)]
    )
    with translation.override(user.language):
        send_mail(
            _("Confirm your email address"),
            render_to_string("accounts/email/register_confirm.txt", {"user": user, "link": link}),
            None,
            [user.email],
        )


def registration_confirm(uidb64: str, token: str):
    """Activate the account the link was sent for; None when the link is wrong or used."""
    User = get_user_model()  # noqa: N806
    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)))
    except (User.DoesNotExist, ValueError, TypeError, OverflowError):
        return None
    if user.is_active or not confirmation_tokens.check_token(user, token):
        return None
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user
