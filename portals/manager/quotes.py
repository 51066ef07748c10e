"""The quote builder on the manager's order page: price the draft, then send it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.form_errors import form_add_errors
from orders.errors import OrderError, OrderValidationError
from orders.selectors import order_get_for_user
from orders.services import quote_price_draft, quote_revise, quote_send
from portals.error_messages import report_order_error
from portals.manager.money import money_staff
from portals.manager.order_page import order_page_response
from portals.manager.quote_forms import QuoteBuilderForm


@require_POST
@login_required
@money_staff
def order_price_quote(request, pk, quote_id):
    order = order_get_for_user(user=request.user, order_id=pk)
    quote = next((q for q in order.quotes.all() if q.pk == quote_id), None)
    if quote is None:
        raise Http404("No such quote")
    form = QuoteBuilderForm(request.POST, order=order, quote=quote)
    error = None
    if form.is_valid():
        try:
            quote = quote_price_draft(quote=quote, pricing=form.pricing(), by=request.user)
            if request.POST.get("send"):
                quote_send(quote=quote, by=request.user)
        except OrderValidationError as validation:
            error = validation
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
    if error is not None:
        form_add_errors(
            form, error.errors, rename=lambda field: field.replace("discounts.", "discount_")
        )
    return order_page_response(request, order, quote_form=form)


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
