"""Shipping as it happens: the "Ship" form of the order page, the courier's "My deliveries"
and the warehouse's production queue. Thin: a form in, one service call, a redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, user_passes_test
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.form_errors import form_add_errors
from core.portals import MANAGER_PORTAL_PERMISSION
from orders.carriers import carrier_list_active
from orders.errors import OrderConflictError, OrderError, OrderValidationError
from orders.lifecycle import DeliveryStatus
from orders.selectors import (
    order_get_for_user,
    order_list_open_deliveries,
    order_list_production_queue,
    order_may_ship,
)
from orders.services import delivery_update, order_ship
from portals.error_messages import report_order_error
from portals.manager.forms import DeliveryStatusForm, ShipForm
from portals.manager.order_page import order_page_response

PAGE_SIZE = 30


def _staff_with_any(*permissions):
    """Manager-portal staff who see every order and hold one of `permissions` (else 403)."""

    def check(user) -> bool:
        if not (
            user.has_perm(MANAGER_PORTAL_PERMISSION) and user.has_perm("orders.view_all_orders")
        ):
            raise PermissionDenied
        if not any(user.has_perm(permission) for permission in permissions):
            raise PermissionDenied
        return True

    return user_passes_test(check)


# Who may: those who ship (managers, the warehouse), who carry (couriers), who make (warehouse).
shippers = _staff_with_any("orders.process_order", "orders.handle_production")
carriers_staff = _staff_with_any("orders.process_order", "orders.handle_delivery")
production_staff = _staff_with_any("orders.process_order", "orders.handle_production")


def _back(request, default: str, **kwargs):
    """To the page the click came from (the queue or the order), never off the site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default, **kwargs)


@require_POST
@login_required
@shippers
def order_ship_page(request, pk):
    """The "Ship" action with its carrier, tracking number and expected date."""
    order = order_get_for_user(user=request.user, order_id=pk)
    form = ShipForm(request.POST)
    if not form.is_valid():
        if request.POST.get("next"):
            for field, errors in form.errors.items():
                for message in errors:
                    messages.error(request, f"{form.fields[field].label or field}: {message}")
            return _back(request, "portals_manager:order_page", pk=pk)
        return order_page_response(request, order, ship_form=form)
    if form.cleaned_data["state"] != order.state:
        messages.error(request, OrderConflictError.default_message)
        return _back(request, "portals_manager:order_page", pk=pk)
    data = form.cleaned_data
    try:
        order_ship(
            order=order,
            by=request.user,
            carrier=data["carrier"],
            tracking_number=data["tracking_number"],
            expected_date=data["expected_date"],
        )
    except OrderValidationError as error:
        if request.POST.get("next"):
            for message in error.messages:
                messages.error(request, message)
            return _back(request, "portals_manager:order_page", pk=pk)
        form_add_errors(form, error.errors)
        return order_page_response(request, order, ship_form=form)
    except OrderError as error:
        report_order_error(request, error)
    else:
        messages.success(request, _("Order %(number)s is shipped.") % {"number": order.number})
    return _back(request, "portals_manager:order_page", pk=pk)


@require_GET
@login_required
@carriers_staff
def my_deliveries(request):
    """The courier's list: every open delivery (orders name no courier), one click per status."""
    page = Paginator(order_list_open_deliveries(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for order in page.object_list:
        order.next_statuses = [
            (status, label)
            for status, label in DeliveryStatus.choices
            if status != order.delivery_status
        ]
    return render(request, "portals/manager/my_deliveries.html", {"page": page})


@require_POST
@login_required
@carriers_staff
def delivery_status_set(request, pk):
    order = order_get_for_user(user=request.user, order_id=pk)
    form = DeliveryStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a delivery status."))
        return _back(request, "portals_manager:my_deliveries")
    try:
        delivery_update(order=order, by=request.user, status=form.cleaned_data["status"])
    except OrderError as error:
        report_order_error(request, error)
    else:
        messages.success(
            request,
            _("Order %(number)s: %(status)s.")
            % {
                "number": order.number,
                "status": DeliveryStatus(form.cleaned_data["status"]).label,
            },
        )
    return _back(request, "portals_manager:my_deliveries")


@require_GET
@login_required
@production_staff
def production_queue(request):
    """The warehouse's queue: orders in production, soonest expected first, shipped from here."""
    page = Paginator(order_list_production_queue(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for order in page.object_list:
        order.may_ship = order_may_ship(order=order, user=request.user)
    # The select is written out in the template from this list: a form per row would read
    # the carriers once per row.
    return render(
        request,
        "portals/manager/production_queue.html",
        {"page": page, "carriers": list(carrier_list_active())},
    )
