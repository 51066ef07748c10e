from orders.models.calendar import BusinessCalendar
from orders.models.carrier import Carrier
from orders.models.history import OrderEvent
from orders.models.order import FeedCursor, Order, OrderLine, OrderNumberSequence
from orders.models.payments import Invoice, Payment, Refund
from orders.models.quotes import Quote, QuoteTemplate
from orders.models.recurring import RecurringOrder
from orders.models.stays import StageStay
from orders.models.workflow import Workflow

__all__ = [
    "BusinessCalendar",
    "Carrier",
    "FeedCursor",
    "Invoice",
    "Order",
    "OrderEvent",
    "OrderLine",
    "OrderNumberSequence",
    "Payment",
    "Quote",
    "QuoteTemplate",
    "RecurringOrder",
    "Refund",
    "StageStay",
    "Workflow",
]
