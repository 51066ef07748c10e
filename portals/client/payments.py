"""Paying an order from the client's account balance (card payments go through billing)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orders.errors import OrderError
from orders.models import Payment
from orders.selectors import order_get_for_user
from orders.services import payment_record
from portals.client.orders import clients_only
from portals.order_messages import report_order_error
from portals.order_money import order_money


# Who may: the order's own client users (order_get_for_user gives others a 404).
@require_POST
@login_required
@clients_only
def order_pay_from_balance(request, pk):
    order = order_get_for_user(user=request.user, order_id=pk)
    amount = order_money(order, request.user).balance_payable
    if amount <= 0:
        messages.error(request, _("There is nothing to pay from your balance now."))
        return redirect("portals_client:order_page", pk=pk)
    try:
        payment_record(order=order, amount=amount, method=Payment.Method.BALANCE, by=request.user)
    except OrderError as error:
        report_order_error(request, error)
    else:
        messages.success(
            request,
            _("%(amount)s is paid from your balance.") % {"amount": f"{amount:.2f}"},
        )
    return redirect("portals_client:order_page", pk=pk)
