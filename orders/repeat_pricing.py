"""How a repeated or recurring order was priced, for its confirmations to say.

`order_repeat` and `recurring_order_run` price the lines as a cart is priced today
(`catalog.pricing`); their `created` event, and so its outbox row, carry the day as
`prices_as_of`. The order pages and the order's emails show the note from there.
"""

from datetime import date

from catalog.pricing import prices_note
from orders.actions import OrderAction
from orders.models import Order

PRICES_AS_OF = "prices_as_of"


def prices_as_of(payload: dict) -> date | None:
    value = (payload or {}).get(PRICES_AS_OF)
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def payload_prices_note(payload: dict) -> str:
    """ "Prices and offers as of 06.12.2026" for an event's payload that has the day, else ""."""
    day = prices_as_of(payload)
    return prices_note(day) if day else ""


def order_prices_note(order: Order) -> str:
    """The note of the order's `created` event; reads the prefetched events when there."""
    created = next(
        (event for event in order.events.all() if event.action == OrderAction.CREATED), None
    )
    return payload_prices_note(created.payload) if created else ""
