"""Writes of the api app: API clients and their keys, idempotency records, webhook
subscriptions. Orders, customers and items are written by their own apps' services."""

import hashlib
import json
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from api.keys import key_new
from api.models import ApiClient, IdempotencyKey, Scope, WebhookSubscription
from api.webhook_topics import ORDER_ALL_TOPICS, order_topics
from notifications.webhook_signing import WebhookAddressError, webhook_address_check

LAST_USED_RESOLUTION = timedelta(minutes=1)
IDEMPOTENCY_KEY_LIFETIME = timedelta(hours=24)


# API clients


def _clean_scopes(scopes: Iterable[str]) -> list[str]:
    scopes = sorted(set(scopes))
    unknown = [scope for scope in scopes if scope not in Scope.values]
    if unknown:
        raise ValidationError({"scopes": _("Unknown scope: %(scopes)s.") % {"scopes": unknown}})
    return scopes


def api_client_create(
    *, name: str, scopes: Iterable[str], groups: Iterable = (), by=None
) -> tuple[ApiClient, str]:
    """Create a client with its service user (in `groups`) and a new key.

    Returns the client and the key; the key is not stored and cannot be shown again.
    """
    scopes = _clean_scopes(scopes)
    new_key = key_new()
    with transaction.atomic():
        user = get_user_model()(
            username=f"api-{new_key.prefix}",
            first_name=name[:150],
            last_name="(API)",
            is_service=True,
        )
        # Service users never log in to a portal: only their key authenticates them.
        user.set_unusable_password()
        user.save()
        user.groups.set(groups)
        client = ApiClient.objects.create(
            name=name,
            user=user,
            scopes=scopes,
            key_prefix=new_key.prefix,
            key_hash=new_key.hash,
            created_by=by,
        )
    return client, new_key.key


def api_client_update(
    *, client: ApiClient, name: str | None = None, scopes=None, groups=None
) -> ApiClient:
    with transaction.atomic():
        fields = []
        if name is not None:
            client.name = name
            fields.append("name")
        if scopes is not None:
            client.scopes = _clean_scopes(scopes)
            fields.append("scopes")
        client.save(update_fields=fields)
        if groups is not None:
            client.user.groups.set(groups)
    return client


def api_client_revoke(*, client: ApiClient) -> ApiClient:
    """The key stops working at once; the service user is deactivated with it."""
    with transaction.atomic():
        if client.revoked_at is None:
            client.revoked_at = timezone.now()
            client.save(update_fields=["revoked_at"])
        client.user.is_active = False
        client.user.save(update_fields=["is_active"])
    return client


def api_client_touch(*, client: ApiClient) -> None:
    """Record use, at most once a minute: a write per request would serialise a busy client."""
    now = timezone.now()
    if client.last_used_at is not None and now - client.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiClient.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION),
        pk=client.pk,
    ).update(last_used_at=now)
    client.last_used_at = now


# Idempotency


def request_fingerprint(*, method: str, path: str, data) -> str:
    """Same method, path and JSON body (keys in any order, any spacing): same fingerprint."""
    canonical = json.dumps(
        [method.upper(), path, data], sort_keys=True, separators=(",", ":"), default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


class IdempotencyKeyReusedError(Exception):
    """The key was used before with another request."""


@dataclass(frozen=True)
class IdempotentResult:
    status: int
    body: object
    replayed: bool


def idempotent_call(
    *,
    client: ApiClient,
    key: str,
    fingerprint: str,
    work: Callable[[], tuple[int, object]],
) -> IdempotentResult:
    """Run `work` once per (client, key); later calls with the key get its first response.

    `work` returns a status and a JSON-ready body. It runs in the transaction that
    inserts the key row, so a concurrent call with the same key blocks on the unique
    index until this one commits, then replays its response; if `work` raises, the key
    row goes with the rollback and the key may be used again. Raises
    `IdempotencyKeyReusedError` when the key was used with another fingerprint.
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(
                    client=client, key=key, fingerprint=fingerprint
                )
        except IntegrityError:
            record = None
        if record is None:
            stored = IdempotencyKey.objects.get(client=client, key=key)
            if stored.fingerprint != fingerprint:
                raise IdempotencyKeyReusedError()
            return IdempotentResult(stored.response_status, stored.response_body, replayed=True)
        status, body = work()
        record.response_status = status
        record.response_body = body
        record.save(update_fields=["response_status", "response_body"])
    return IdempotentResult(status, body, replayed=False)


def idempotency_keys_purge(*, older_than: timedelta = IDEMPOTENCY_KEY_LIFETIME) -> int:
    """Delete keys past their lifetime; returns how many."""
    deleted, _by_model = IdempotencyKey.objects.filter(
        created_at__lt=timezone.now() - older_than
    ).delete()
    return deleted


# Webhook subscriptions


def _clean_events(events) -> list[str]:
    known = {ORDER_ALL_TOPICS, *order_topics()}
    if not isinstance(events, list) or not events:
        raise ValidationError({"events": _("Give a list of at least one topic.")})
    unknown = [topic for topic in events if topic not in known]
    if unknown:
        raise ValidationError(
            {"events": _("Unknown topics: %(topics)s.") % {"topics": ", ".join(map(str, unknown))}}
        )
    return sorted(set(events))


def _check_target(url: str) -> None:
    """Public HTTPS only, unless WEBHOOK_ALLOW_PRIVATE_ADDRESSES (development, tests, an
    internal deployment): a subscriber must not make us probe our own network."""
    if settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        return
    if urllib.parse.urlsplit(url).scheme != "https":
        raise ValidationError({"url": _("Give an https:// URL.")})
    try:
        webhook_address_check(url)
    except WebhookAddressError as error:
        if error.address is None:
            message = _("The host name %(host)s does not resolve.") % {"host": error.host}
        elif str(error.address) == error.host:
            message = _("%(address)s is not a public internet address.") % {
                "address": error.address
            }
        else:
            message = _(
                "%(host)s resolves to %(address)s, which is not a public internet address."
            ) % {"host": error.host, "address": error.address}
        raise ValidationError({"url": message}) from error


def _check_room_for_one_more(client: ApiClient) -> None:
    """The caller holds a transaction; the client's row stays locked until it ends, so two
    concurrent creates cannot both see room for one."""
    ApiClient.objects.select_for_update().only("pk").get(pk=client.pk)
    limit = settings.WEBHOOK_MAX_SUBSCRIPTIONS_PER_KEY
    if WebhookSubscription.objects.filter(client=client).count() >= limit:
        raise ValidationError(
            _("An API key may have at most %(limit)s webhook subscriptions; delete one first.")
            % {"limit": limit}
        )


def webhook_subscription_create(
    *, client: ApiClient, url: str, events: list[str], is_active: bool = True
) -> WebhookSubscription:
    """Refused with `ValidationError` for bad events, a URL that is not public HTTPS (see
    `_check_target`), or a client that has WEBHOOK_MAX_SUBSCRIPTIONS_PER_KEY already."""
    subscription = WebhookSubscription(
        client=client, url=url, events=_clean_events(events), is_active=is_active
    )
    subscription.full_clean()
    _check_target(subscription.url)
    with transaction.atomic():
        _check_room_for_one_more(client)
        subscription.save()
    return subscription


def webhook_subscription_update(
    *, subscription: WebhookSubscription, **fields
) -> WebhookSubscription:
    """Change `url`, `events` or `is_active`; the secret stays. A new URL is checked as on
    creation."""
    if "events" in fields:
        fields["events"] = _clean_events(fields["events"])
    for name, value in fields.items():
        if name not in {"url", "events", "is_active"}:
            raise ValueError(name)
        setattr(subscription, name, value)
    subscription.full_clean()
    if "url" in fields:
        _check_target(subscription.url)
    subscription.save(update_fields=[*fields])
    return subscription


def webhook_subscription_delete(*, subscription: WebhookSubscription) -> None:
    subscription.delete()
