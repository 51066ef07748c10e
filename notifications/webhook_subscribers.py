"""Who wants an outbox row as a webhook, asked of the app that keeps the subscriptions.

Subscriptions belong to API keys, so the `api` app keeps them and registers its lookup
here from `AppConfig.ready`; the webhook channel only delivers. Notifications thus never
imports the edge above it.
"""

from collections.abc import Callable, Iterable

_sources: list[Callable[..., Iterable]] = []


def webhook_subscribers_register(source: Callable[..., Iterable]) -> None:
    """Add `source(topic=...)`, which returns the subscriptions (url, secret) for a topic."""
    if source not in _sources:
        _sources.append(source)


def webhook_subscribers_for(topic: str) -> list:
    return [subscription for source in _sources for subscription in source(topic=topic)]
