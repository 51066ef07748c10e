"""Outbound webhook signing, as documented for integrators:

    X-Webhook-Timestamp: <unix seconds>
    X-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" keyed with the secret>

A receiver recomputes the HMAC over the raw body it received and compares in constant
time, and rejects timestamps older than a few minutes (replays).

Where a webhook may point: `webhook_address_check`, applied when a subscription is made or
changed; delivery checks again, as a name may resolve elsewhere by then.
"""

import hashlib
import hmac
import ipaddress
import socket
import urllib.parse


def webhook_signature(*, secret: str, timestamp: int, body: bytes) -> str:
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def webhook_signature_is_valid(*, secret: str, timestamp: int, body: bytes, signature: str) -> bool:
    expected = webhook_signature(secret=secret, timestamp=timestamp, body=body)
    return hmac.compare_digest(expected, signature)


class WebhookAddressError(ValueError):
    """A webhook URL's host does not resolve, or resolves to an address that is not public."""

    def __init__(self, host: str, address=None):
        self.host = host
        self.address = address
        if address is None:
            super().__init__(f"Cannot resolve {host}.")
        else:
            super().__init__(f"Refused: {host} resolves to a non-public address ({address}).")


def is_public_address(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Reachable on the internet: not loopback, private, link-local (cloud metadata at
    169.254.169.254), shared, reserved or documentation space, nor multicast, which Python
    counts as global."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def webhook_address_check(url: str) -> None:
    """Raise `WebhookAddressError` unless every address the URL's host resolves to is public.

    Every address, not the first: a host may resolve to a public and a private one, and the
    HTTP client may pick either.
    """
    host = urllib.parse.urlsplit(url).hostname or ""
    if not host:
        raise WebhookAddressError(host)
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (socket.gaierror, UnicodeError) as error:
        raise WebhookAddressError(host) from error
    for address in sorted(addresses):
        # An IPv6 address may carry a zone ("fe80::1%eth0").
        ip = ipaddress.ip_address(address.split("%")[0])
        if not is_public_address(ip):
            raise WebhookAddressError(host, ip)
