"""The support desk: open tickets by priority and SLA; each row leads to the order page,
where the ticket's transitions and history already are."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from orders.models import Order
from orders.ticket_selectors import DESK_STATES, support_ticket_list
from portals.manager.orders import staff_only

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
