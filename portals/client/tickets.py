"""Support requests in the client portal: list them and open a new one. A request is an
order of kind `support`; its page, history and replies are the order page's."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from core.form_errors import form_add_errors
from customers.selectors import customer_for_user
from orders.errors import OrderError, OrderValidationError
from orders.lifecycle import OrderKind
from orders.models import Order
from orders.selectors import order_list_for_user
from orders.services import order_create
from portals.client.orders import clients_only
from portals.error_messages import report_order_error

PAGE_SIZE = 20


class TicketForm(forms.Form):
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("What happened"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    priority = forms.ChoiceField(
        label=gettext_lazy("Priority"),
        choices=Order.Priority.choices,
        initial=Order.Priority.NORMAL,
    )
    related_order = forms.ModelChoiceField(
        label=gettext_lazy("About the order"),
        queryset=Order.objects.none(),
        required=False,
        empty_label=gettext_lazy("No particular order"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["related_order"].queryset = (
            order_list_for_user(user=user).exclude(kind=OrderKind.SUPPORT).order_by("-created_at")
        )


@require_GET
@login_required
@clients_only
def ticket_list(request):
    tickets = order_list_for_user(user=request.user).filter(kind=OrderKind.SUPPORT)
    page = Paginator(tickets.order_by("-created_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "portals/client/ticket_list.html", {"page_obj": page, "tickets": page.object_list}
    )


@require_http_methods(["GET", "POST"])
@login_required
@clients_only
def ticket_new(request):
    form = TicketForm(request.POST or None, user=request.user)
    customer = customer_for_user(user=request.user)
    if request.method == "POST" and form.is_valid() and customer is not None:
        data = form.cleaned_data
        try:
            ticket = order_create(
                customer=customer,
                contact=request.user.contact,
                kind=OrderKind.SUPPORT,
                lines=[],
                by=request.user,
                channel=Order.Channel.PORTAL,
                subject=data["subject"],
                comment=data["description"],
                priority=data["priority"],
                related_order=data["related_order"],
            )
        except OrderValidationError as error:
            form_add_errors(form, error.errors)
        except OrderError as error:
            report_order_error(request, error)
        else:
            messages.success(
                request,
                _("Request %(number)s is open. We will answer here and by email.")
                % {"number": ticket.number},
            )
            return redirect("portals_client:order_page", pk=ticket.pk)
    return render(request, "portals/client/ticket_new.html", {"form": form, "customer": customer})
