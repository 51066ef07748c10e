"""Invoices, payments and refunds on the manager's order page; each write is one service call."""

import uuid
from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from billing.services import refund_issue
from core.form_errors import form_add_errors
from core.portals import MANAGER_PORTAL_PERMISSION
from orders.errors import OrderError, OrderValidationError
from orders.ledger import advance_detail
from orders.selectors import order_get_for_user
from orders.services import invoice_issue, payment_record
from portals.error_messages import report_order_error
from portals.manager.money_forms import InvoiceForm, PaymentForm, RefundForm
from portals.manager.order_page import order_page_response

# Who may: manager-portal staff who process orders (a director reads the page, changes nothing).
money_staff = permission_required(
    (MANAGER_PORTAL_PERMISSION, "orders.process_order"), raise_exception=True
)


def _page_with_errors(request, order, form_name, form, error: OrderError):
    if isinstance(error, OrderValidationError):
        form_add_errors(form, error.errors)
    else:
        report_order_error(request, error)
        return redirect("portals_manager:order_page", pk=order.pk)
    return order_page_response(request, order, **{form_name: form})


@require_POST
@login_required
@money_staff
def order_issue_invoice(request, pk):
    order = order_get_for_user(user=request.user, order_id=pk)
    form = InvoiceForm(request.POST)
    if not form.is_valid():
        return _page_with_errors(request, order, "invoice_form", form, OrderValidationError({}))
    try:
        invoice = invoice_issue(
            order=order,
            kind=form.cleaned_data["kind"],
            amount=form.cleaned_data["amount"],
            due_date=form.cleaned_data["due_date"],
            by=request.user,
        )
    except OrderError as error:
        return _page_with_errors(request, order, "invoice_form", form, error)
    messages.success(
        request, _("Invoice %(number)s is issued; the client is notified.") % {"number": invoice}
    )
    return redirect("portals_manager:order_page", pk=pk)


@require_POST
@login_required
@money_staff
def order_record_payment(request, pk):
    order = order_get_for_user(user=request.user, order_id=pk)
    form = PaymentForm(request.POST, order=order)
    if not form.is_valid():
        return _page_with_errors(request, order, "payment_form", form, OrderValidationError({}))
    data = form.cleaned_data
    paid_at = None
    if data["paid_on"]:
        paid_at = timezone.make_aware(datetime.combine(data["paid_on"], time(12)))
    try:
        payment = payment_record(
            order=order,
            amount=data["amount"],
            method=data["method"],
            reference=data["reference"].strip(),
            paid_at=paid_at,
            invoice=data["invoice"],
            by=request.user,
            advance_allowed=data.get("advance", False),
        )
    except OrderError as error:
        return _page_with_errors(request, order, "payment_form", form, error)
    if payment.is_advance:
        messages.success(request, advance_detail(order, payment.overpayment))
    else:
        messages.success(request, _("The payment is recorded."))
    return redirect("portals_manager:order_page", pk=pk)


@require_POST
@login_required
@money_staff
def order_refund_payment(request, pk):
    order = order_get_for_user(user=request.user, order_id=pk)
    data = request.POST.copy()
    try:
        uuid.UUID(data.get("refund-idempotence_key", ""))
    except ValueError:
        # A page shown before forms carried a key, or a mangled one: this post is its own
        # action, and the form shown again with its errors keeps the key for the retry.
        data["refund-idempotence_key"] = str(uuid.uuid4())
    form = RefundForm(data)
    if not form.is_valid():
        return _page_with_errors(request, order, "refund_form", form, OrderValidationError({}))
    payment = order.payments.filter(pk=form.cleaned_data["payment"]).first()
    if payment is None:
        raise Http404("No such payment")
    try:
        refund_issue(
            payment=payment,
            amount=form.cleaned_data["amount"],
            reason=form.cleaned_data["reason"],
            by=request.user,
            idempotence_key=form.cleaned_data["idempotence_key"],
        )
    except OrderError as error:
        return _page_with_errors(request, order, "refund_form", form, error)
    messages.success(request, _("The refund is recorded."))
    return redirect("portals_manager:order_page", pk=pk)
