"""The webhook contract: topics a client may subscribe to and how a delivery is signed.

Delivery itself (outbox relay, retries, signing, log) lives in `notifications`; the
algorithm it implements is the one documented here and in the OpenAPI schema.

Each POST carries the JSON body and these headers:

- `X-Webhook-Event`: the topic, e.g. `order.start_quote`;
- `X-Webhook-Id`: the event's UUID (the outbox row's `event_id`); a redelivery repeats it;
- `X-Webhook-Timestamp`: Unix seconds when the delivery was signed;
- `X-Signature`: `sha256=` and the hex HMAC-SHA256, keyed with the subscription's
  secret, of `f"{timestamp}.{raw_body}"` (the timestamp header, a dot, the body bytes).

A receiver recomputes the HMAC over the raw body it got, compares in constant time,
and refuses timestamps more than five minutes old, so a captured request cannot be
replayed later.
"""

from django.utils.translation import gettext_lazy as _

from orders.actions import OrderAction, delivery_status_topic
from orders.lifecycle import DeliveryStatus

SIGNATURE_HEADER = "X-Signature"
TIMESTAMP_HEADER = "X-Webhook-Timestamp"
EVENT_HEADER = "X-Webhook-Event"
ID_HEADER = "X-Webhook-Id"
SIGNING_DESCRIPTION = _(
    "Each delivery is an HTTP POST of a JSON body with the headers "
    "`X-Webhook-Event` (the topic), `X-Webhook-Id` (the event's UUID, repeated on "
    "redelivery: deduplicate on it), `X-Webhook-Timestamp` (Unix seconds) and "
    "`X-Signature: sha256=<hex>`, the HMAC-SHA256 with the subscription's secret of "
    '`f"{timestamp}.{raw_body}"`. Verify it over the raw body in constant time and '
    "refuse timestamps older than five minutes."
)

ORDER_ALL_TOPICS = "order.*"


def order_topics() -> list[str]:
    """Every topic an order event can have, one per `OrderAction` (transitions and facts),
    then one per delivery sub-status (written beside a `delivery_updated` event)."""
    return [
        *(action.topic for action in OrderAction),
        *(delivery_status_topic(status) for status in DeliveryStatus),
    ]
