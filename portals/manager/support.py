"""The support desk: open tickets by priority and SLA; each row leads to the ticket's page
(the order page shows a support request as a ticket), where staff set its priority."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from core.form_errors import form_add_errors
from orders.errors import OrderError, OrderValidationError
from orders.models import Order
from orders.services import ticket_priority_set
from orders.ticket_selectors import DESK_STATES, support_ticket_get_for_user, support_ticket_list
from portals.error_messages import report_order_error
from portals.manager.orders import staff_only
from portals.manager.ticket_page import TicketPriorityForm, ticket_page_response

PAGE_SIZE = 50


class SupportDeskFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"),
        choices=[("", _("Any state")), *((state.value, state.label) for state in DESK_STATES)],
        required=False,
    )
    priority = forms.ChoiceField(
        label=_("Priority"),
        choices=[("", _("Any priority")), *Order.Priority.choices],
        required=False,
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("state", "priority"):
            self.fields[name].widget.attrs["class"] = "form-select"
        self.fields["overdue"].widget.attrs["class"] = "form-check-input"


@require_GET
@login_required
@staff_only  # manager-portal staff who see every order
def support_desk(request):
    form = SupportDeskFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    now = timezone.now()
    tickets = support_ticket_list(
        user=request.user,
        states=[filters["state"]] if filters.get("state") else (),
        priority=filters.get("priority", ""),
        overdue=filters.get("overdue", False),
        now=now,
    )
    page = Paginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portals/manager/support_desk.html",
        {"form": form, "page_obj": page, "tickets": page.object_list, "now": now},
    )


@require_POST
@login_required
@staff_only  # and the service's `orders.process_order`: a director only reads
def ticket_priority(request, pk):
    """Set the ticket's priority; a stale form or a closed ticket is refused with a message."""
    ticket = support_ticket_get_for_user(user=request.user, ticket_id=pk)
    if not request.user.has_perm("orders.process_order"):
        raise PermissionDenied
    form = TicketPriorityForm(request.POST)
    if not form.is_valid():
        return ticket_page_response(request, ticket, priority_form=form, status=400)
    try:
        ticket_priority_set(
            order=ticket,
            priority=form.cleaned_data["priority"],
            by=request.user,
            expected_version=form.cleaned_data["version"],
        )
    except OrderValidationError as error:
        form_add_errors(form, error.errors)
        return ticket_page_response(request, ticket, priority_form=form, status=400)
    except OrderError as error:
        report_order_error(request, error)
    else:
        messages.success(request, gettext("Priority saved."))
    return redirect("portals_manager:order_page", pk=ticket.pk)
