import functools

from django.db.models import QuerySet

from accounts.permission_cache import with_permission_names
from api.keys import key_matches, key_prefix
from api.models import ApiClient, WebhookSubscription
from core.query_shapes import QueryShape
from orders.feed import feed_catch_up, feed_events_after
from orders.models import OrderEvent
from orders.tasks import feed_assign_nudge


def api_client_for_key(key: str) -> ApiClient | None:
    """The active client this key belongs to, with its user; None for any other key.
    The client carries `permission_names`, its user's permissions read in the same query
    (`accounts.permission_cache.permissions_from_names`)."""
    prefix = key_prefix(key)
    if prefix is None:
        return None
    # Every API request asks: its read is compiled once (`core.query_shapes`).
    found = _client_shape().objects(prefix=prefix)
    client = found[0] if found else None
    if client is None or not key_matches(key, client.key_hash):
        return None
    return client


@functools.cache
def _client_shape() -> QueryShape:
    def build(*, prefix):
        clients = ApiClient.objects.select_related("user").filter(
            key_prefix=prefix, revoked_at__isnull=True
        )
        return with_permission_names(clients, user_field="user_id").order_by("pk")[:1]

    return QueryShape(build, "prefix", text=["prefix"])


def webhook_subscription_list_for_client(*, client: ApiClient) -> QuerySet[WebhookSubscription]:
    return WebhookSubscription.objects.filter(client=client).order_by("id")


def webhook_subscriptions_for_topic(*, topic: str) -> list[WebhookSubscription]:
    """Active subscriptions of active clients that want `topic` (for webhook delivery).

    Matched in Python: the table is small, and SQLite has no JSON containment lookup.
    """
    candidates = WebhookSubscription.objects.filter(
        is_active=True, client__revoked_at__isnull=True
    ).select_related("client")
    return [subscription for subscription in candidates if subscription.matches(topic)]


def change_feed_after(*, position: int, limit: int) -> list[OrderEvent]:
    """Order events after `position` in the order they became visible, with their orders.

    A small backlog of events without a position is positioned first, so a quiet system's
    latest change is in this page; a larger one (a burst of writes) is the worker's, which
    is nudged, and its events come in a later page. Either way none is skipped.
    """
    if not feed_catch_up():
        feed_assign_nudge()
    return list(feed_events_after(position=position, limit=limit))
