"""Paying an order from the client's account balance or bonus points (cards: billing)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orders.errors import OrderError
from orders.models import Payment
from orders.selectors import order_get_for_user
from orders.services import payment_record
from portals.client.orders import clients_only
from portals.error_messages import report_order_error
from portals.order_money import order_money


# Who may: the order's own client users (order_get_for_user gives others a 404).
@require_POST
@login_required
@clients_only
def order_pay_from_balance(request, pk):
    order = order_get_for_user(user=request.user, order_id=pk)
    money = order_money(order, request.user)
    bonus = request.POST.get("method") == Payment.Method.BONUS
    amount = money.bonus_payable if bonus else money.balance_payable
    if amount <= 0:
        messages.error(request, _("There is nothing to pay from your balance now."))
        return redirect("portals_client:order_page", pk=pk)
    method = Payment.Method.BONUS if bonus else Payment.Method.BALANCE
    try:
        payment_record(order=order, amount=amount, method=method, by=request.user)
    except OrderError as error:
        report_order_error(request, error)
    else:
        text = (
            _("%(amount)s is paid with bonus points.")
            if bonus
            else _("%(amount)s is paid from your balance.")
        )
        # As the page prints money: 15 000,00 in Russian, 15,000.00 in English.
        shown = number_format(amount, 2, force_grouping=True)
        messages.success(request, text % {"amount": shown})
    return redirect("portals_client:order_page", pk=pk)
