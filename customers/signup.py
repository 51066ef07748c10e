"""A new client signs up: a customer, its contact and a login, active once the email
address is confirmed by the link we send.

A use case above both apps: customers owns the customer and its contact, accounts the
login and its confirmation. The link leaves through the outbox, written in the sign-up's
own transaction: a mail server that is down delays the letter (the worker retries) and
never fails the sign-up.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.roles import Role
from accounts.services import registration_confirmation_send
from customers.models import Contact, Customer


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

    Writes the confirmation email as an outbox row in the same transaction. Raises
    ValidationError naming each bad field; then nothing is saved.
    """
    User = get_user_model()  # noqa: N806 (Django's idiom for the swappable model)
    email = User.objects.normalize_email(email).lower()
    errors = {}
    taken = User.objects.filter(Q(email__iexact=email) | Q(username=email))
    if taken.filter(is_pending_confirmation=True, is_active=False).exists():
        errors["email"] = [
            _(
                "You have signed up with this email already and not confirmed it yet: "
                "ask for the confirmation link again."
            )
        ]
    elif taken.exists():
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
        user.is_pending_confirmation = True
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=Role.CLIENT))
        customer.save()
        Contact.objects.create(
            customer=customer, name=name, email=email, phone=phone, is_primary=True, user=user
        )
        registration_confirmation_send(user)
    return user
