"""The only code that creates orders and changes their state.

Every write here follows one shape: open a transaction, lock the order row, check,
change, save, append an `OrderEvent`, write outbox rows for the side effects. Portals,
the API, the admin, tasks and commands call these functions and nothing else.

One module per concern, importing one way: `core` (lock, version, event and outbox row)
and `lines` at the bottom, then `quotes`, then `lifecycle`, and on top `payments`,
`reminders`, `recurring` and `tickets`. Callers import from this package, not from its modules.
"""

from orders.services.lifecycle import (
    delivery_update,
    order_amend,
    order_assign_manager,
    order_create,
    order_details_update,
    order_ship,
    order_transition,
    shipment_details,
)
from orders.services.lines import LineInput
from orders.services.payments import (
    invoice_issue,
    payment_record,
    payment_record_or_get,
    payment_refund,
)
from orders.services.quotes import (
    QuotePricing,
    contract_mark_signed,
    quote_accept,
    quote_price_draft,
    quote_revise,
    quote_send,
)
from orders.services.recurring import (
    order_repeat,
    recurring_order_create,
    recurring_order_run,
    recurring_order_stop,
    recurring_sweep,
)
from orders.services.reminders import (
    order_payment_remind,
    order_service_remind,
    order_sla_escalate,
    quote_remind_awaiting,
    reminders_sweep,
    sla_due_order_ids,
)
from orders.services.tickets import ticket_priority_set

__all__ = [
    "LineInput",
    "QuotePricing",
    "contract_mark_signed",
    "delivery_update",
    "invoice_issue",
    "order_amend",
    "order_assign_manager",
    "order_create",
    "order_details_update",
    "order_payment_remind",
    "order_repeat",
    "order_service_remind",
    "order_ship",
    "order_sla_escalate",
    "order_transition",
    "payment_record",
    "payment_record_or_get",
    "payment_refund",
    "quote_accept",
    "quote_price_draft",
    "quote_remind_awaiting",
    "quote_revise",
    "quote_send",
    "recurring_order_create",
    "recurring_order_run",
    "recurring_order_stop",
    "recurring_sweep",
    "reminders_sweep",
    "shipment_details",
    "sla_due_order_ids",
    "ticket_priority_set",
]
