"""Marking the contract signed, with the signed copy attached, from the manager's order page."""

from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from billing.documents.signed import signed_contract_attach
from core.form_errors import form_add_errors
from orders.errors import OrderError, OrderValidationError
from orders.selectors import order_get_for_user
from portals.error_messages import report_order_error
from portals.manager.forms import ContractSignedForm
from portals.manager.money import money_staff
from portals.manager.order_page import order_page_response


@require_POST
@login_required
@money_staff
def order_contract_signed(request, pk):
    order = order_get_for_user(user=request.user, order_id=pk)
    form = ContractSignedForm(request.POST, request.FILES)
    if form.is_valid():
        signed_on = form.cleaned_data["signed_on"]
        try:
            signed_contract_attach(
                order=order,
                by=request.user,
                upload=form.cleaned_data["file"],
                signed_at=timezone.make_aware(datetime.combine(signed_on, time(12)))
                if signed_on
                else None,
            )
        except OrderValidationError as error:
            form_add_errors(form, error.errors)
        except OrderError as error:
            report_order_error(request, error)
            return redirect("portals_manager:order_page", pk=pk)
        else:
            messages.success(request, _("The contract is marked signed."))
            return redirect("portals_manager:order_page", pk=pk)
    return order_page_response(request, order, contract_form=form)
