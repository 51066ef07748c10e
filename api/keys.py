"""API key format: `crm_<prefix>.<secret>`, where only the prefix is stored in clear.

The secret carries 256 bits of randomness, so a single SHA-256 is enough to store it: a
slow password hash protects guessable passwords, and these are not guessable.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

KEY_TAG = "crm_"
PREFIX_LENGTH = 8


@dataclass(frozen=True)
class NewKey:
    key: str
    prefix: str
    hash: str


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_new() -> NewKey:
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    key = f"{KEY_TAG}{prefix}.{secrets.token_urlsafe(32)}"
    return NewKey(key=key, prefix=prefix, hash=key_hash(key))


def key_prefix(key: str) -> str | None:
    """The lookup prefix of a well-formed key, None for anything else."""
    if not key.startswith(KEY_TAG):
        return None
    prefix, dot, secret = key[len(KEY_TAG) :].partition(".")
    if len(prefix) != PREFIX_LENGTH or not dot or not secret:
        return None
    return prefix


def key_matches(key: str, stored_hash: str) -> bool:
    return hmac.compare_digest(key_hash(key), stored_hash)
