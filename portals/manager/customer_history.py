"""The customer card's one history: order events, chat messages and feedback by time."""

from dataclasses import dataclass
from datetime import datetime

from conversations.selectors import feedback_for_customer, messages_for_customer
from orders.selectors import order_events_for_customer

HISTORY_LENGTH = 30


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    kind: str  # "event", "message" or "feedback": the template shows each its own way
    order: object
    actor: object
    item: object


def customer_history(*, user, customer_id, events=None) -> list[HistoryEntry]:
    """The latest entries of all three kinds, newest first; `events` if already read."""
    if events is None:
        events = order_events_for_customer(user=user, customer_id=customer_id)
    entries = [
        *(HistoryEntry(e.created_at, "event", e.order, e.actor, e) for e in events),
        *(
            HistoryEntry(m.created_at, "message", m.order, m.author, m)
            for m in messages_for_customer(
                user=user, customer_id=customer_id, include_internal=True
            )
        ),
        *(
            HistoryEntry(f.created_at, "feedback", f.order, f.author, f)
            for f in feedback_for_customer(user=user, customer_id=customer_id)
        ),
    ]
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:HISTORY_LENGTH]
