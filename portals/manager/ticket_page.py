"""The manager's page of a support request: the ticket, its thread and its history.

No quote, contract, money, delivery or lines: a ticket has none. Below the handlers, as
`order_page`: the priority handler renders it again with its bound form.
"""

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from conversations.selectors import attachments_for_order
from orders.lifecycle import FINAL_STATES
from orders.models import Order
from orders.selectors import order_available_transitions
from portals.manager.order_page import order_tasks_context
from portals.timeline import order_timeline

PRIORITY_PERMISSION = "orders.process_order"


class TicketPriorityForm(forms.Form):
    priority = forms.ChoiceField(label=_("Priority"), choices=Order.Priority.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].widget.attrs["class"] = "form-select form-select-sm"


def ticket_may_set_priority(ticket: Order, user) -> bool:
    return user.has_perm(PRIORITY_PERMISSION) and ticket.state not in FINAL_STATES


def ticket_page_response(request, ticket: Order, *, priority_form=None, status=200):
    """The ticket page; a priority form that failed is passed back bound."""
    if priority_form is None and ticket_may_set_priority(ticket, request.user):
        priority_form = TicketPriorityForm(
            initial={"priority": ticket.priority, "version": ticket.version}
        )
    return render(
        request,
        "portals/manager/ticket_page.html",
        {
            "order": ticket,
            "transitions": order_available_transitions(order=ticket, user=request.user),
            "timeline": order_timeline(ticket),
            "priority_form": priority_form,
            "related_order": ticket.related_order,
            "attachments": attachments_for_order(ticket, include_internal=True),
            "file_view": "portals_manager:order_chat_file",
            **order_tasks_context(ticket, request.user),
        },
        status=status,
    )
