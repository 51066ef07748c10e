"""A limit on password guessing at `/1c_exchange/`.

1C logs in with HTTP Basic on every exchange, outside Django's login (the profile's password
is not a user's), so django-axes never sees these attempts. Failed attempts are counted in
the shared cache with django-ratelimit: per login and client address, as axes counts the
people's logins (`AXES_FAILURE_LIMIT` in `AXES_COOLOFF_TIME` unless the `ONEC_LOGIN_*`
settings say otherwise), and per address over all logins, so trying many logins from one
address is limited too. The address is read the way axes reads it (`AXES_IPWARE_*`), so a
proxy in front is configured once. A locked pair is refused before its password is checked,
the right password included, until the window ends.
"""

from axes.helpers import get_client_ip_address
from django.conf import settings
from django_ratelimit.core import get_usage

GROUP_LOGIN = "onec.login_failures"
GROUP_ADDRESS = "onec.login_failures_by_address"
# One address may fail this many times more over all logins than for one login.
ADDRESS_FACTOR = 10


def _address(request) -> str:
    return get_client_ip_address(request) or "unknown"


def window_seconds() -> int:
    cooloff = getattr(settings, "ONEC_LOGIN_COOLOFF", settings.AXES_COOLOFF_TIME)
    return int(cooloff.total_seconds())


def _rates() -> dict[str, tuple[int, int]]:
    limit = int(getattr(settings, "ONEC_LOGIN_FAILURE_LIMIT", settings.AXES_FAILURE_LIMIT))
    return {
        GROUP_LOGIN: (limit, window_seconds()),
        GROUP_ADDRESS: (limit * ADDRESS_FACTOR, window_seconds()),
    }


def _usages(request, login: str, *, increment: bool) -> list[dict]:
    keys = {
        GROUP_LOGIN: lambda _group, request: f"{login.casefold()}|{_address(request)}",
        GROUP_ADDRESS: lambda _group, request: _address(request),
    }
    usages = []
    for group, rate in _rates().items():
        usage = get_usage(request, group=group, key=keys[group], rate=rate, increment=increment)
        if usage is not None:
            usages.append(usage)
    return usages


def login_is_locked(request, login: str) -> bool:
    """Whether this login from this address has used up its failed attempts."""
    return any(
        usage["count"] >= usage["limit"] for usage in _usages(request, login, increment=False)
    )


def login_failed(request, login: str) -> None:
    """Count a failed attempt of `login` from the request's address."""
    _usages(request, login, increment=True)
