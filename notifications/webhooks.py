"""Outbound webhook signing, as documented for integrators:

    X-Webhook-Timestamp: <unix seconds>
    X-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" keyed with the secret>

A receiver recomputes the HMAC over the raw body it received and compares in constant
time, and rejects timestamps older than a few minutes (replays).
"""

import hashlib
import hmac


def webhook_signature(*, secret: str, timestamp: int, body: bytes) -> str:
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def webhook_signature_is_valid(*, secret: str, timestamp: int, body: bytes, signature: str) -> bool:
    expected = webhook_signature(secret=secret, timestamp=timestamp, body=body)
    return hmac.compare_digest(expected, signature)
