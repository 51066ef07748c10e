"""Which portal a user belongs to, decided by permissions rather than group names."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

CLIENT_PORTAL_PERMISSION = "accounts.access_client_portal"
MANAGER_PORTAL_PERMISSION = "accounts.access_manager_portal"
ADMIN_PORTAL_PERMISSION = "accounts.access_admin_portal"


@dataclass(frozen=True)
class PortalLink:
    url_name: str
    label: str
    permission: str

    @property
    def url(self) -> str:
        return reverse(self.url_name)


# Most powerful first: a user's home is the first portal they may open.
PORTALS = (
    PortalLink("portals_admin:home", _("Administration"), ADMIN_PORTAL_PERMISSION),
    PortalLink("portals_manager:home", _("Orders desk"), MANAGER_PORTAL_PERMISSION),
    PortalLink("portals_client:home", _("My account"), CLIENT_PORTAL_PERMISSION),
)


def portals_for(user) -> list[PortalLink]:
    if not user.is_authenticated or not user.is_active:
        return []
    return [
        portal
        for portal in PORTALS
        if user.has_perm(portal.permission)
        and (portal.permission != CLIENT_PORTAL_PERMISSION or is_client_user(user))
    ]


def is_client_user(user) -> bool:
    """Whether the user works as a client. A superuser holds every permission, the
    client portal's included, but is not anybody's customer: their menus leave it out
    (the pages themselves still open for them, to look at what clients see)."""
    return user.has_perm(CLIENT_PORTAL_PERMISSION) and not user.is_superuser


def home_portal_for(user) -> PortalLink | None:
    available = portals_for(user)
    return available[0] if available else None
