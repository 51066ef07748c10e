"""Document downloads, the online payment round trip, and the gateway's notifications."""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from billing.documents.generate import document_get_or_create, document_spec_find
from billing.gateway.client import GatewayError
from billing.models import GatewayNotification, OnlinePayment
from billing.providers import CardGateway, payment_provider
from billing.services import gateway_notification_receive, online_payment_sync
from core.portals import MANAGER_PORTAL_PERMISSION
from orders.errors import OrderError
from orders.models import Invoice
from orders.selectors import order_get_for_user
from portals.error_messages import report_order_error

logger = logging.getLogger(__name__)


def _order_page(user, order_id) -> str:
    if user.has_perm(MANAGER_PORTAL_PERMISSION):
        return reverse("portals_manager:order_page", args=[order_id])
    return reverse("portals_client:order_page", args=[order_id])


# Who may: anyone who may see the order (order_get_for_user answers 404 otherwise).
@require_GET
@login_required
def document_download(request, pk, slug):
    order = order_get_for_user(user=request.user, order_id=pk)
    spec = document_spec_find(order, slug)
    if spec is None:
        raise Http404("No such document")
    try:
        document = document_get_or_create(order=order, spec=spec, by=request.user)
    except OrderError as error:
        report_order_error(request, error)
        return redirect(_order_page(request.user, order.pk))
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.filename)


# Who may: the order's own client users and staff processing orders (the service checks).
@require_POST
@login_required
def payment_begin(request, pk):
    order = order_get_for_user(user=request.user, order_id=pk)
    provider = payment_provider(request.POST.get("provider", CardGateway.code))
    if provider is None:
        raise Http404("No such payment method")
    invoice = None
    if request.POST.get("invoice"):
        invoice_id = request.POST["invoice"]
        invoice = (
            Invoice.objects.filter(order=order, pk=invoice_id).first()
            if invoice_id.isdigit()
            else None
        )
        if invoice is None:
            raise Http404("No such invoice")
    try:
        start = provider.start(order=order, by=request.user, invoice=invoice)
    except OrderError as error:
        report_order_error(request, error)
        return redirect(_order_page(request.user, order.pk))
    return redirect(start.redirect_url)


# Who may: whoever may see the order the payment is for.
@require_GET
@login_required
def online_payment_return(request, attempt_id):
    attempt = get_object_or_404(OnlinePayment, pk=attempt_id)
    order = order_get_for_user(user=request.user, order_id=attempt.order_id)
    try:
        attempt = online_payment_sync(attempt)
    except (GatewayError, OrderError) as error:
        logger.warning("Online payment %s not checked on return: %s", attempt.pk, error)
    if attempt.status == OnlinePayment.Status.SUCCEEDED:
        messages.success(request, _("Thank you: the payment is received."))
    elif attempt.status == OnlinePayment.Status.CANCELED:
        messages.warning(request, _("The payment was cancelled; nothing was charged."))
    else:
        messages.info(
            request,
            _("The payment is being confirmed; the order will show it in a few minutes."),
        )
    return redirect(_order_page(request.user, order.pk))


# Who may: anyone may post; nothing is believed until the gateway confirms it itself.
@csrf_exempt
@require_POST
def gateway_notification(request):
    log = gateway_notification_receive(request.body, remote_addr=request.META.get("REMOTE_ADDR"))
    outcome = GatewayNotification.Outcome
    if log.outcome == outcome.UNAVAILABLE:
        return HttpResponse(status=503)  # the gateway retries later
    if log.outcome in (outcome.REJECTED, outcome.MALFORMED):
        return HttpResponse(status=400)
    return HttpResponse(status=200)
