"""The quote builder on the manager's order page: price the draft, then send it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orders.errors import OrderError, OrderValidationError
from orders.selectors import order_get_for_user
from orders.services import order_amend, quote_price_draft, quote_revise, quote_send
from portals.error_messages import report_order_error
from portals.manager.line_rows import line_errors_add
from portals.manager.money import money_staff
from portals.manager.order_page import order_page_response
from portals.manager.quote_forms import QuoteBuilder


@require_POST
@login_required
@money_staff
def order_price_quote(request, pk, quote_id):
    order = order_get_for_user(user=request.user, order_id=pk)
    quote = next((q for q in order.quotes.all() if q.pk == quote_id), None)
    if quote is None:
        raise Http404("No such quote")
    builder = QuoteBuilder(request.POST, order=order, quote=quote)
    if builder.is_valid():
        try:
            quote = quote_price_draft(quote=quote, pricing=builder.pricing(), by=request.user)
            if request.POST.get("send"):
                quote_send(quote=quote, by=request.user)
        except OrderValidationError as error:
            line_errors_add(builder.terms, builder.places, error.errors)
        except OrderError as refused:
            report_order_error(request, refused)
            return redirect("portals_manager:order_page", pk=pk)
        else:
            messages.success(
                request,
                _("The quote was sent to the client.")
                if request.POST.get("send")
                else _("The quote is saved."),
            )
            return redirect("portals_manager:order_page", pk=pk)
    return order_page_response(request, order, quote_form=builder)


@require_POST
@login_required
@money_staff
def order_revise_quote(request, pk):
    order = order_get_for_user(user=request.user, order_id=pk)
    try:
        draft = quote_revise(order=order, by=request.user)
    except OrderError as refused:
        report_order_error(request, refused)
    else:
        messages.success(
            request,
            _("Version %(version)s is a draft: change it and send it to the client.")
            % {"version": draft.version},
        )
    return redirect("portals_manager:order_page", pk=pk)


@require_POST
@login_required
@money_staff
def order_amend_start(request, pk):
    """The order goes back to quoting with its lines as they are, as the next version's
    draft: the manager changes it in the builder and sends it to the client."""
    order = order_get_for_user(user=request.user, order_id=pk)
    try:
        order = order_amend(
            order=order, by=request.user, note=request.POST.get("note", "").strip()[:1000]
        )
    except OrderError as refused:
        report_order_error(request, refused)
    else:
        messages.success(
            request,
            _(
                "The order is back at quoting: change the lines of the new version and send "
                "it to the client. The contract is signed again after it is accepted."
            ),
        )
    return redirect("portals_manager:order_page", pk=pk)
