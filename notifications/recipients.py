"""Who a message's audience is for one order."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from accounts.roles import Role

# An audience "role:<name>" is every active member of that role (notification rules).
ROLE_PREFIX = "role:"


@dataclass(frozen=True)
class Recipient:
    user: object | None
    email: str
    language: str

    @property
    def key(self) -> str:
        return f"user-{self.user.pk}" if self.user is not None else f"email-{self.email.lower()}"


def _of_user(user) -> Recipient | None:
    if user is None or not user.is_active:
        return None
    return Recipient(user=user, email=user.email, language=user.language or "ru")


def _of_role(role: str) -> list[Recipient]:
    members = get_user_model().objects.filter(groups__name=role, is_active=True, is_service=False)
    return [r for r in (_of_user(user) for user in members) if r]


def recipients_for(audience: str, order, payload: dict | None = None) -> list[Recipient]:
    if audience == "addressee":
        email = (payload or {}).get("email", "")
        language = (payload or {}).get("language") or "ru"
        return [Recipient(user=None, email=email, language=language)] if email else []
    if audience == "assignee":
        assignee_id = (payload or {}).get("assignee_id")
        user = get_user_model().objects.filter(pk=assignee_id).first() if assignee_id else None
        recipient = _of_user(user)
        return [recipient] if recipient else []
    if audience == "recipient":
        recipient_id = (payload or {}).get("recipient_id")
        user = get_user_model().objects.filter(pk=recipient_id).first() if recipient_id else None
        recipient = _of_user(user)
        return [recipient] if recipient else []
    if audience == "client":
        contact = order.contact
        if contact is not None and contact.user_id is not None:
            recipient = _of_user(contact.user)
            return [recipient] if recipient else []
        email = (contact.email if contact else "") or order.customer.email
        return [Recipient(user=None, email=email, language="ru")] if email else []
    if audience == "manager":
        recipient = _of_user(order.manager or order.customer.manager)
        return [recipient] if recipient else []
    if audience == "director":
        return _of_role(Role.DIRECTOR)
    if audience.startswith(ROLE_PREFIX):
        return _of_role(audience.removeprefix(ROLE_PREFIX))
    return []
