"""My orders in the client portal: thin views over the order selectors and services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.choice_labels import choice_label, choice_labels
from core.pagination import CappedPaginator
from core.portals import CLIENT_PORTAL_PERMISSION
from customers.models import Customer
from orders.errors import OrderConflictError, OrderError
from orders.forms import TransitionForm
from orders.lifecycle import DeliveryStatus, OrderKind, State
from orders.models import Order, Quote, RecurringOrder
from orders.quote_changes import quote_line_changes
from orders.repeat_pricing import order_prices_note
from orders.selectors import order_available_transitions, order_get_for_user, order_list_for_user
from orders.services import delivery_update, order_transition, quote_accept
from portals.client.forms import OrderFilterForm, QuoteAcceptForm
from portals.client.ticket_page import ticket_page_response
from portals.error_messages import report_order_error
from portals.order_money import order_money
from portals.timeline import order_timeline

PAGE_SIZE = 20
CONFLICT_MESSAGE = OrderConflictError.default_message
# Service error paths the client can act on, named as the page names them.
clients_only = permission_required(CLIENT_PORTAL_PERMISSION, raise_exception=True)


def client_rows(orders) -> list[Order]:
    """The list's rows with their kind and state labels and links, worked out once a page."""
    kinds, states = choice_labels(Order, "kind"), choice_labels(Order, "state")
    head, tail = reverse("portals_client:order_page", args=[0]).rsplit("/0/", 1)
    rows = list(orders)
    for order in rows:
        order.kind_label = choice_label(kinds, order.kind)
        order.state_label = choice_label(states, order.state)
        order.page_url = f"{head}/{order.pk}/{tail}"
    return rows


def _current_quote(order) -> Quote | None:
    """The latest version sent, while the order still waits at `quote` for an answer."""
    if order.state != State.QUOTE:
        return None
    sent = [quote for quote in order.quotes.all() if quote.status == Quote.Status.SENT]
    return max(sent, key=lambda quote: quote.version, default=None)


def _previous_sent_quote(order, quote: Quote | None) -> Quote | None:
    """The version the client saw before `quote`, to show what changed since."""
    if quote is None:
        return None
    earlier = [q for q in order.quotes.all() if q.version < quote.version and q.sent_at]
    return max(earlier, key=lambda q: q.version, default=None)


def may_schedule(order) -> bool:
    """Companies may repeat an order on a schedule; a private buyer repeats by hand."""
    return order.customer.kind == Customer.Kind.COMPANY and order.kind != OrderKind.SUPPORT


def _may_confirm_receipt(order) -> bool:
    return order.state == State.DELIVERY and order.delivery_status != (
        DeliveryStatus.HANDED_TO_CLIENT
    )


@require_GET
@login_required
@clients_only
def order_list(request):
    form = OrderFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    # Only what a row shows: planning the five-table join of the full order cost more
    # than reading the page.
    queryset = (
        order_list_for_user(user=request.user)
        .select_related(None)
        .only("id", "number", "created_at", "kind", "state", "total", "currency")
    )
    if filters.get("state"):
        queryset = queryset.filter(state=filters["state"])
    if filters.get("kind"):
        queryset = queryset.filter(kind=filters["kind"])
    # A customer may have thousands of orders: counted only a few pages ahead, newest
    # first by id (the index on customer and id holds them so).
    paginator = CappedPaginator(
        queryset.order_by("-created_at", "-id"), PAGE_SIZE, count_ordering=("-pk",)
    )
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "portals/client/order_list.html",
        {
            "form": form,
            "page_obj": page,
            "orders": client_rows(page.object_list),
            "is_filtered": bool(filters.get("state") or filters.get("kind")),
        },
    )


@require_GET
@login_required
@clients_only
def order_page(request, pk):
    order = order_get_for_user(user=request.user, order_id=pk)
    if order.kind == OrderKind.SUPPORT:
        return ticket_page_response(request, order)
    quote = _current_quote(order)
    previous = _previous_sent_quote(order, quote)
    return render(
        request,
        "portals/client/order_page.html",
        {
            "order": order,
            "timeline": order_timeline(order, for_client=True),
            "quote": quote,
            "previous_quote": previous,
            "quote_changes": quote_line_changes(previous.lines, quote.lines) if previous else [],
            "transitions": order_available_transitions(order=order, user=request.user),
            "may_confirm_receipt": _may_confirm_receipt(order),
            "is_shipped": bool(order.delivery_status),
            "money": order_money(order, request.user),
            "prices_note": order_prices_note(order),
            "may_schedule": may_schedule(order),
            "schedule_periods": RecurringOrder.Period.choices,
        },
    )


@require_POST
@login_required
@clients_only
def order_take_transition(request, pk, name):
    order = order_get_for_user(user=request.user, order_id=pk)
    form = TransitionForm(request.POST)
    if not form.is_valid() or form.cleaned_data["state"] != order.state:
        messages.error(request, CONFLICT_MESSAGE)
        return redirect("portals_client:order_page", pk=pk)
    try:
        order = order_transition(
            order=order, transition=name, by=request.user, reason=form.cleaned_data["reason"]
        )
    except OrderError as error:
        report_order_error(request, error)
    else:
        done = (
            _("Done: the request is now “%(state)s”.")
            if order.kind == OrderKind.SUPPORT
            else _("Done: the order is now at “%(state)s”.")
        )
        messages.success(request, done % {"state": State(order.state).label})
    return redirect("portals_client:order_page", pk=pk)


@require_POST
@login_required
@clients_only
def order_accept_quote(request, pk):
    order = order_get_for_user(user=request.user, order_id=pk)
    form = QuoteAcceptForm(request.POST)
    quote = order.quotes.filter(pk=form.cleaned_data["quote"]).first() if form.is_valid() else None
    if quote is None:
        raise Http404("No such quote")
    try:
        quote_accept(quote=quote, by=request.user)
    except OrderError as error:
        report_order_error(request, error)
    else:
        messages.success(request, _("You accepted the quote. Your manager will take it from here."))
    return redirect("portals_client:order_page", pk=pk)


@require_POST
@login_required
@clients_only
def order_confirm_receipt(request, pk):
    order = order_get_for_user(user=request.user, order_id=pk)
    if not _may_confirm_receipt(order):
        messages.error(request, _("There is no delivery to confirm for this order now."))
        return redirect("portals_client:order_page", pk=pk)
    try:
        delivery_update(order=order, by=request.user, status=DeliveryStatus.HANDED_TO_CLIENT)
    except OrderError as error:
        report_order_error(request, error)
    else:
        messages.success(request, _("Thank you: the receipt is confirmed."))
    return redirect("portals_client:order_page", pk=pk)
