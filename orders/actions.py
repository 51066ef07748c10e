"""What an `OrderEvent` records: every lifecycle transition by its name, and every fact the
services record besides (a quote sent, a payment received, a reminder sent, ...).

One enumeration, so the timeline's labels, the webhook topics, the notification topics
and the API schema cannot disagree about which actions exist. It imports nothing from
the project: the lifecycle, the services and every edge may read it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderAction(models.TextChoices):
    """Codes are stable (stored, sent to webhooks and the API); labels read as history."""

    # Transitions, in the lifecycle's order; each value is the transition's name.
    START_QUOTE = "start_quote", _("Moved to quoting")
    PREPARE_CONTRACT = "prepare_contract", _("Moved to contract preparation")
    REQUEST_PAYMENT = "request_payment", _("Moved to payment")
    START_PRODUCTION = "start_production", _("Production started")
    SHIP = "ship", _("Shipped")
    CLOSE = "close", _("Order closed")
    SCHEDULE_SERVICE = "schedule_service", _("Service scheduled")
    COMPLETE_SERVICE = "complete_service", _("Service completed")
    AMEND = "amend", _("Order amended, back to quoting")
    CANCEL = "cancel", _("Order cancelled")
    TAKE_TICKET = "take_ticket", _("Taken into work")
    ASK_CLIENT = "ask_client", _("Question sent to the client")
    CLIENT_REPLIED = "client_replied", _("The client replied")
    RESOLVE = "resolve", _("Ticket resolved")
    CLOSE_TICKET = "close_ticket", _("Ticket closed")
    REOPEN = "reopen", _("Ticket reopened")
    # Facts, recorded whatever the state.
    CREATED = "created", _("Order placed")
    QUOTE_PRICED = "quote_priced", _("Quote priced")
    QUOTE_REVISED = "quote_revised", _("Quote revised: a new version")
    QUOTE_SENT = "quote_sent", _("Quote sent")
    QUOTE_ACCEPTED = "quote_accepted", _("Quote accepted")
    CONTRACT_SIGNED = "contract_signed", _("Contract signed")
    INVOICE_ISSUED = "invoice_issued", _("Invoice issued")
    PAYMENT_RECORDED = "payment_recorded", _("Payment received")
    PAYMENT_REFUNDED = "payment_refunded", _("Payment refunded")
    DELIVERY_UPDATED = "delivery_updated", _("Delivery updated")
    MANAGER_ASSIGNED = "manager_assigned", _("Manager assigned")
    DETAILS_UPDATED = "details_updated", _("Order details updated")
    TICKET_PRIORITY_SET = "ticket_priority_set", _("Request priority changed")
    SLA_BREACH = "sla_breach", _("Stage deadline passed")
    SLA_ESCALATION = "sla_escalation", _("Escalated to management")
    QUOTE_REMINDER = "quote_reminder", _("Quote reminder sent")
    SERVICE_REMINDER = "service_reminder", _("Service reminder sent")
    PAYMENT_REMINDER = "payment_reminder", _("Payment reminder sent")
    RECURRING_CREATED = "recurring_created", _("Repeat schedule set up")
    RECURRING_STOPPED = "recurring_stopped", _("Repeat schedule stopped")
    RECURRING_FAILED = "recurring_failed", _("Scheduled repeat failed")

    @property
    def topic(self) -> str:
        """The outbox topic of its events: what webhooks and notification rules subscribe to."""
        return f"order.{self.value}"


# A delivery sub-status change is a `DELIVERY_UPDATED` event; it also writes an outbox row
# of its own topic per new sub-status, so a notification rule (or a webhook) can answer
# "in transit" and "at the pickup point" separately.
DELIVERY_STATUS_TOPIC_PREFIX = "order.delivery_status."


def delivery_status_topic(status: str) -> str:
    return f"{DELIVERY_STATUS_TOPIC_PREFIX}{status}"
