"""The client's page of a support request: subject, description, status, priority, the
order it is about, the files sent, the thread and the history. No items and no money: a
ticket has none."""

from django.shortcuts import render

from conversations.selectors import attachments_for_order
from orders.models import Order
from orders.selectors import order_available_transitions
from portals.timeline import order_timeline


def ticket_page_response(request, ticket: Order):
    related = ticket.related_order
    return render(
        request,
        "portals/client/ticket_page.html",
        {
            "order": ticket,
            "timeline": order_timeline(ticket, for_client=True),
            "transitions": order_available_transitions(order=ticket, user=request.user),
            "attachments": attachments_for_order(ticket),
            "file_view": "portals_client:order_chat_file",
            # Only an order of the ticket's own company is linked, whoever set it.
            "related_order": (
                related
                if related is not None and related.customer_id == ticket.customer_id
                else None
            ),
        },
    )
