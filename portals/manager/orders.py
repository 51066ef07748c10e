"""The order desk and the order page of the manager portal: thin views over the services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.portals import MANAGER_PORTAL_PERMISSION
from orders.errors import OrderConflictError, OrderError
from orders.forms import TransitionForm
from orders.lifecycle import OrderKind
from orders.selectors import (
    DESK_ROW_FIELDS,
    NEW_REQUEST_STATES,
    order_count_new_requests,
    order_desk_list,
    order_get_for_user,
)
from orders.services import delivery_update, order_transition, quote_send
from portals.access import user_may_change_orders
from portals.error_messages import report_order_error
from portals.manager.desk_rows import desk_rows, filter_options
from portals.manager.forms import DeliveryForm, OrderBulkForm, OrderDeskFilterForm
from portals.manager.order_page import order_page_response
from portals.manager.ticket_page import ticket_page_response

PAGE_SIZE = 50
# Filters the manager home's links set; the desk's search form keeps them.
HOME_FILTERS = ("manager", "overdue", "unassigned", "quote_waiting", "invoice_overdue", "open")
# What most orders have none of: the page reads them only for an order that has some.
ORDER_PAGE_RARE = ("refunds", "documents", "tasks")
staff_only = permission_required(
    (MANAGER_PORTAL_PERMISSION, "orders.view_all_orders"), raise_exception=True
)


@require_GET
@login_required
@staff_only
def order_desk(request):
    form = OrderDeskFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    view = filters.get("view", "")
    states = list(filters.get("state") or [])
    if view == "new":
        states = list(NEW_REQUEST_STATES)
    manager = request.user.pk if view == "mine" else filters.get("manager")
    rows = list(
        order_desk_list(
            user=request.user,
            states=states,
            kind=filters.get("kind", ""),
            manager=manager,
            overdue=view == "overdue" or bool(filters.get("overdue")),
            query=filters.get("q", ""),
            before_id=filters.get("before"),
            unassigned=bool(filters.get("unassigned")),
            quote_waiting=bool(filters.get("quote_waiting")),
            invoice_overdue=bool(filters.get("invoice_overdue")),
            open_only=bool(filters.get("open")),
        ).values_list(*DESK_ROW_FIELDS, named=True)[: PAGE_SIZE + 1]
    )
    next_before = rows[PAGE_SIZE - 1].pk if len(rows) > PAGE_SIZE else None
    query = request.GET.copy()
    query.pop("before", None)
    bulk_options = (
        OrderBulkForm.desk_options(request.user) if user_may_change_orders(request.user) else None
    )
    orders = rows[:PAGE_SIZE]
    return render(
        request,
        "portals/manager/order_desk.html",
        {
            "form": form,
            "state_options": filter_options("state", request.GET.getlist("state")),
            "kind_options": filter_options("kind", request.GET.get("kind", "")),
            "orders": orders,
            "order_rows": desk_rows(orders, selectable=bulk_options is not None),
            "next_before": next_before,
            "base_query": query.urlencode(),
            "desk_query": request.GET.urlencode(),
            "kept_filters": [
                (name, request.GET[name]) for name in HOME_FILTERS if filters.get(name)
            ],
            "view": view,
            "views": OrderDeskFilterForm.VIEW_CHOICES,
            "bulk_options": bulk_options,
            "loaded_at": timezone.now().isoformat(),
        },
    )


@require_GET
@login_required
@staff_only
def order_desk_new_requests(request):
    """The desk's polled notice: how many requests came in since the page was loaded."""
    try:
        since = parse_datetime(request.GET.get("since", ""))
    except ValueError:
        since = None
    if since is None or timezone.is_naive(since):
        return HttpResponseBadRequest("since: an ISO date and time with its offset")
    return render(
        request,
        "portals/manager/_new_requests.html",
        {"count": order_count_new_requests(user=request.user, since=since)},
    )


@require_GET
@login_required
@staff_only
def order_page(request, pk):
    order = order_get_for_user(user=request.user, order_id=pk, only_if_any=ORDER_PAGE_RARE)
    if order.kind == OrderKind.SUPPORT:
        return ticket_page_response(request, order)
    return order_page_response(request, order)


@require_POST
@login_required
@staff_only
def order_take_transition(request, pk, name):
    order = order_get_for_user(user=request.user, order_id=pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        for field, field_errors in form.errors.items():
            label = form.fields[field].label or field
            for message in field_errors:
                messages.error(request, f"{label}: {message}")
        return redirect("portals_manager:order_page", pk=pk)
    if form.cleaned_data["state"] != order.state:
        messages.error(request, OrderConflictError.default_message)
        return redirect("portals_manager:order_page", pk=pk)
    try:
        order_transition(
            order=order,
            transition=name,
            by=request.user,
            note=form.cleaned_data["note"],
            reason=form.cleaned_data["reason"],
        )
    except OrderError as error:
        report_order_error(request, error)
    else:
        messages.success(request, _("Done."))
    return redirect("portals_manager:order_page", pk=pk)


@require_POST
@login_required
@staff_only
def order_send_quote(request, pk, quote_id):
    order = order_get_for_user(user=request.user, order_id=pk)
    quote = order.quotes.filter(pk=quote_id).first()
    if quote is None:
        messages.error(request, _("No such quote."))
        return redirect("portals_manager:order_page", pk=pk)
    try:
        quote_send(quote=quote, by=request.user)
    except OrderError as error:
        report_order_error(request, error)
    else:
        messages.success(request, _("The quote was sent to the client."))
    return redirect("portals_manager:order_page", pk=pk)


@require_POST
@login_required
@staff_only
def order_update_delivery(request, pk):
    order = order_get_for_user(user=request.user, order_id=pk)
    form = DeliveryForm(request.POST)
    if not form.is_valid():
        for field, field_errors in form.errors.items():
            for message in field_errors:
                messages.error(request, f"{form.fields[field].label}: {message}")
        return redirect("portals_manager:order_page", pk=pk)
    data = form.cleaned_data
    try:
        delivery_update(
            order=order,
            by=request.user,
            status=data["status"] or None,
            carrier=data["carrier"],
            tracking_number=data["tracking_number"],
            expected_date=data["expected_date"],
        )
    except OrderError as error:
        report_order_error(request, error)
    else:
        messages.success(request, _("Delivery details saved."))
    return redirect("portals_manager:order_page", pk=pk)
