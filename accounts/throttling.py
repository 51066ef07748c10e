"""Limits on the anonymous forms that send email: sign-up and password reset.

Each posted form sends a message to an address the poster chose, so without a limit one
script can flood somebody's mailbox from our domain (and ruin its reputation). Counted
per client address in the shared cache (django-ratelimit), with the address read the
way django-axes reads it, so a proxy in front is handled once, in one setting.
"""

from axes.helpers import get_client_ip_address
from django.conf import settings
from django_ratelimit.decorators import ratelimit


def _client_address(group, request) -> str:
    return get_client_ip_address(request) or "unknown"


def posted_email(group, request) -> str:
    """The email address a form names, as one mailbox: the key of a per-recipient limit."""
    return request.POST.get("email", "").strip().lower()


def limit_posts(group: str, rate_setting: str, key=_client_address):
    """Count the view's POSTs per client address (or per `key`); over the rate,
    `request.limited` is True.

    The rate is read from settings on each request (e.g. "5/h"), so it can be changed
    per deployment and per test.
    """
    return ratelimit(
        group=group,
        key=key,
        rate=lambda _group, _request: getattr(settings, rate_setting),
        method="POST",
        block=False,
    )


def is_limited(request) -> bool:
    return getattr(request, "limited", False)
