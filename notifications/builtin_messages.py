"""What each event tells whom: the built-in rules and texts of the notifications.

Rules map an outbox topic to messages; a message names its audience (the order's
client, its manager, the director) and its channels. The texts come from the seed
texts' promise: the client always knows what happens with the order and whom to call.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from orders.actions import OrderAction, delivery_status_topic
from orders.lifecycle import DeliveryStatus

CLIENT, MANAGER, DIRECTOR = "client", "manager", "director"
# The user named by the payload's "assignee_id" (a task's new assignee).
ASSIGNEE = "assignee"
# The address the payload's "email" names, in its "language": someone who cannot log in
# yet (a sign-up awaiting confirmation), so no user's settings apply.
ADDRESSEE = "addressee"
# The user named by the payload's "recipient_id" (the client of a cart left with items).
RECIPIENT = "recipient"
EMAIL, IN_APP = "email", "in_app"


@dataclass(frozen=True)
class Message:
    key: str
    subject: str
    headline: str
    audiences: tuple[str, ...]
    channels: tuple[str, ...] = (EMAIL, IN_APP)
    # Says where the shipment is: carrier, tracking number and the tracking link.
    shows_shipment: bool = False
    # Says when and where the service is: its date and place.
    shows_service: bool = False
    # The email shows the order's money: total, paid, due now and the invoices by label.
    shows_money: bool = False


MESSAGES = {
    message.key: message
    for message in [
        Message(
            "order_received",
            _("Order %(number)s received"),
            _("Thank you! We have received your order and will contact you shortly."),
            (CLIENT,),
        ),
        Message(
            "new_request",
            _("New order %(number)s"),
            _("A new order came in and waits for processing."),
            (MANAGER,),
            (IN_APP,),
        ),
        Message(
            "quote_ready",
            _("Commercial proposal for order %(number)s"),
            _("Your commercial proposal is ready. Please review and accept it in your account."),
            (CLIENT,),
        ),
        Message(
            "quote_accepted",
            _("Quote for order %(number)s accepted"),
            _("The client accepted the commercial proposal."),
            (MANAGER,),
            (IN_APP,),
        ),
        Message(
            "contract_ready",
            _("Contract for order %(number)s"),
            _("The contract for your order is being prepared for signing."),
            (CLIENT,),
        ),
        Message(
            "invoice_issued",
            _("Invoice for order %(number)s"),
            _("An invoice has been issued for your order. You can pay it in your account."),
            (CLIENT,),
            shows_money=True,
        ),
        Message(
            "invoice_ready",
            _("New invoice for order %(number)s"),
            _("A new invoice is in your account: download it, or pay it online by card."),
            (CLIENT,),
            shows_money=True,
        ),
        Message(
            "refund_issued",
            _("Refund on order %(number)s"),
            _("Money has been refunded on the order. A card refund may take a few days to arrive."),
            (CLIENT, MANAGER),
            shows_money=True,
        ),
        Message(
            "payment_received",
            _("Payment received for order %(number)s"),
            _("The payment for the order has been received. Thank you!"),
            (CLIENT, MANAGER),
            shows_money=True,
        ),
        Message(
            "in_production",
            _("Order %(number)s is in production"),
            _("Your order is being made and assembled."),
            (CLIENT,),
        ),
        Message(
            "shipped",
            _("Order %(number)s has been shipped"),
            _("Your order is on its way."),
            (CLIENT,),
            shows_shipment=True,
        ),
        Message(
            "handed_to_carrier",
            _("Order %(number)s has been handed to the carrier"),
            _("Your order has been handed to the carrier."),
            (CLIENT,),
            shows_shipment=True,
        ),
        Message(
            "in_transit",
            _("Order %(number)s is in transit"),
            _("Your order is on its way to you."),
            (CLIENT,),
            shows_shipment=True,
        ),
        Message(
            "with_courier",
            _("Order %(number)s is with the courier"),
            _("A courier is bringing your order to you."),
            (CLIENT,),
            shows_shipment=True,
        ),
        Message(
            "at_pickup_point",
            _("Order %(number)s is at the pickup point"),
            _("Your order is waiting for you at the pickup point."),
            (CLIENT,),
            shows_shipment=True,
        ),
        Message(
            "delay_notice",
            _("New delivery date for order %(number)s"),
            _("The expected delivery date of the order has changed. We apologise for the delay."),
            (CLIENT, MANAGER),
        ),
        Message(
            "delivered",
            _("Order %(number)s delivered"),
            _("The order has been delivered."),
            (CLIENT, MANAGER),
            shows_shipment=True,
        ),
        Message(
            "feedback_request",
            _("How did we do with order %(number)s?"),
            _("Your order is complete. Please rate it and leave a comment in your account."),
            (CLIENT,),
        ),
        Message(
            "order_cancelled",
            _("Order %(number)s cancelled"),
            _("The order has been cancelled."),
            (CLIENT, MANAGER),
        ),
        Message(
            "service_scheduled",
            _("Service for order %(number)s scheduled"),
            _("After-sales service for your order has been scheduled."),
            (CLIENT,),
            shows_service=True,
        ),
        Message(
            "service_due",
            _("Service for order %(number)s is due soon"),
            _("The scheduled service of the order is coming up."),
            (CLIENT, MANAGER),
            shows_service=True,
        ),
        Message(
            "ticket_reply",
            _("Reply to your request %(number)s"),
            _("We have replied to your request and are waiting for your answer."),
            (CLIENT,),
        ),
        Message(
            "ticket_resolved",
            _("Your request %(number)s is resolved"),
            _("We consider your request resolved. If not, reopen it in your account."),
            (CLIENT,),
        ),
        Message(
            "invoice_unpaid",
            _("Invoice for order %(number)s is not paid yet"),
            _("We have not received the payment for the order yet. Please pay the invoice."),
            (CLIENT,),
            shows_money=True,
        ),
        Message(
            "sla_breach",
            _("Order %(number)s is overdue at its stage"),
            _("The order has stayed at its current stage longer than allowed."),
            (MANAGER,),
        ),
        Message(
            "sla_escalation",
            _("Escalation: order %(number)s is still overdue"),
            _("The order is still stuck at its stage; the manager has been reminded before."),
            (DIRECTOR,),
        ),
        Message(
            "chat_from_client",
            _("New message on order %(number)s"),
            _("The client wrote in the order's chat."),
            (MANAGER,),
            (IN_APP,),
        ),
        Message(
            "chat_from_manager",
            _("New message about your order %(number)s"),
            _("Your manager wrote to you in the order's chat. Open the order to read and reply."),
            (CLIENT,),
        ),
        Message(
            "feedback_received",
            _("Feedback on order %(number)s"),
            _("The client rated the order."),
            (MANAGER,),
            (IN_APP,),
        ),
        Message(
            "feedback_low",
            _("Low rating on order %(number)s"),
            _(
                "The client rated the order 1 or 2 of 5. The order's manager has a task to "
                "call the client back."
            ),
            (DIRECTOR,),
        ),
        Message(
            "cart_reminder",
            _("You left items in your cart"),
            _("The items you chose are still in your cart. Return to it to place the order."),
            (RECIPIENT,),
        ),
        Message(
            "cart_reminder_last",
            _("Your cart is still waiting for you"),
            _("The items you chose are still in your cart. Place the order while they are there."),
            (RECIPIENT,),
        ),
        Message(
            "quote_awaiting",
            _("Your commercial proposal for order %(number)s awaits your answer"),
            _("The commercial proposal is still waiting for your acceptance."),
            (CLIENT,),
        ),
        Message(
            "signup_confirmation",
            _("Confirm your email address"),
            _("Please confirm your email address to finish signing up."),
            (ADDRESSEE,),
            (EMAIL,),
        ),
        Message(
            "task_assigned",
            _("New task for you"),
            _("A task has been assigned to you. Open your tasks to see it."),
            (ASSIGNEE,),
            (IN_APP,),
        ),
    ]
}

# Outbox topic (and, for some, a detail of the event) -> messages.
TOPIC_MESSAGES = {
    OrderAction.CREATED.topic: ["order_received", "new_request"],
    OrderAction.QUOTE_SENT.topic: ["quote_ready"],
    OrderAction.QUOTE_ACCEPTED.topic: ["quote_accepted"],
    OrderAction.PREPARE_CONTRACT.topic: ["contract_ready"],
    OrderAction.REQUEST_PAYMENT.topic: ["invoice_issued"],
    OrderAction.PAYMENT_RECORDED.topic: ["payment_received"],
    OrderAction.INVOICE_ISSUED.topic: ["invoice_ready"],
    OrderAction.PAYMENT_REFUNDED.topic: ["refund_issued"],
    OrderAction.START_PRODUCTION.topic: ["in_production"],
    OrderAction.SHIP.topic: ["shipped"],
    OrderAction.CLOSE.topic: ["feedback_request"],
    OrderAction.CANCEL.topic: ["order_cancelled"],
    OrderAction.SCHEDULE_SERVICE.topic: ["service_scheduled"],
    OrderAction.ASK_CLIENT.topic: ["ticket_reply"],
    OrderAction.RESOLVE.topic: ["ticket_resolved"],
    OrderAction.SLA_BREACH.topic: ["sla_breach"],
    OrderAction.SLA_ESCALATION.topic: ["sla_escalation"],
    OrderAction.QUOTE_REMINDER.topic: ["quote_awaiting"],
    OrderAction.SERVICE_REMINDER.topic: ["service_due"],
    OrderAction.PAYMENT_REMINDER.topic: ["invoice_unpaid"],
    # A changed delivery sub-status (see `orders.actions.delivery_status_topic`).
    delivery_status_topic(DeliveryStatus.HANDED_TO_CARRIER): ["handed_to_carrier"],
    delivery_status_topic(DeliveryStatus.IN_TRANSIT): ["in_transit"],
    delivery_status_topic(DeliveryStatus.WITH_COURIER): ["with_courier"],
    delivery_status_topic(DeliveryStatus.AT_PICKUP_POINT): ["at_pickup_point"],
    delivery_status_topic(DeliveryStatus.HANDED_TO_CLIENT): ["delivered"],
    "task.assigned": ["task_assigned"],
    "account.signup_confirmation": ["signup_confirmation"],
    "order.feedback_left": ["feedback_received"],
    "order.feedback_low": ["feedback_low"],
}


# Topics whose messages depend on the event's details (see `messages_for`): every candidate.
CONDITIONAL_TOPIC_MESSAGES = {
    "order.message_posted": ["chat_from_client", "chat_from_manager"],
    OrderAction.DELIVERY_UPDATED.topic: ["delay_notice"],
    "cart.reminder": ["cart_reminder", "cart_reminder_last"],
}


def topic_shows_money(topic: str) -> bool:
    """Whether the topic is about money: its emails, rules' ones too, show the figures."""
    return any(message.shows_money for message in builtin_messages(topic))


def builtin_messages(topic: str) -> list[Message]:
    """Every built-in message a topic may send, whatever the event's details."""
    keys = [*TOPIC_MESSAGES.get(topic, []), *CONDITIONAL_TOPIC_MESSAGES.get(topic, [])]
    return [MESSAGES[key] for key in keys]


def messages_for(topic: str, payload: dict) -> list[Message]:
    keys = list(TOPIC_MESSAGES.get(topic, []))
    if topic == "order.message_posted":
        # The other side of the chat hears of it, never the author's own side.
        keys.append("chat_from_client" if payload.get("from_client") else "chat_from_manager")
    if topic == "cart.reminder":
        keys.append("cart_reminder_last" if payload.get("step", 1) > 1 else "cart_reminder")
    if topic == OrderAction.DELIVERY_UPDATED.topic:
        changes = payload.get("changes", {})
        date_change = changes.get("expected_delivery_date")
        if date_change and date_change.get("old") and date_change["new"] > date_change["old"]:
            keys.append("delay_notice")
    return [MESSAGES[key] for key in keys]
