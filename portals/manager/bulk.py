"""Bulk actions on the order desk: assign a manager or take a step for many orders at once.

Each order goes through its own service call, so every row is checked, locked and
recorded as if it had been done by hand; one refused row is reported by its number and
the others still go on. Nothing is applied before the user confirms the list.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from orders.errors import OrderError
from orders.models import Order
from orders.services import order_assign_manager, order_transition
from portals.access import user_may_change_orders
from portals.error_messages import order_error_texts
from portals.manager.forms import OrderBulkForm
from portals.manager.orders import staff_only


def _desk_url(back: str) -> str:
    # Re-encoded, so only a query string of the desk ever comes back from the form.
    query = QueryDict(back).urlencode()
    desk = reverse("portals_manager:order_desk")
    return f"{desk}?{query}" if query else desk


def _expected_versions(data) -> dict[int, int]:
    """The versions the confirmation page showed: a row changed since then is refused."""
    versions = {}
    for key, value in data.items():
        if key.startswith("version_"):
            try:
                versions[int(key.removeprefix("version_"))] = int(value)
            except ValueError:
                continue
    return versions


def _apply(request, form: OrderBulkForm, orders: list[Order]) -> int:
    data = form.cleaned_data
    versions = _expected_versions(request.POST)
    done = 0
    for order in orders:
        try:
            if data["action"] == OrderBulkForm.ASSIGN:
                order_assign_manager(order=order, manager=data["manager"], by=request.user)
            else:
                order_transition(
                    order=order,
                    transition=data["transition"],
                    by=request.user,
                    reason=data["reason"],
                    expected_version=versions.get(order.pk),
                )
        except OrderError as error:
            for text in order_error_texts(error):
                messages.error(request, f"{order.number}: {text}")
        else:
            done += 1
    return done


@require_POST
@login_required
@staff_only
def order_bulk(request):
    if not user_may_change_orders(request.user):
        raise PermissionDenied
    form = OrderBulkForm(request.POST, user=request.user)
    if not form.is_valid():
        for field, field_errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for message in field_errors:
                messages.error(request, f"{label}: {message}" if label else message)
        return redirect(_desk_url(request.POST.get("back", "")))
    orders = list(form.cleaned_data["orders"])
    if not form.cleaned_data["confirmed"]:
        return render(
            request,
            "portals/manager/order_bulk_confirm.html",
            {
                "form": form,
                "orders": orders,
                "description": form.description(),
                "desk_url": _desk_url(form.cleaned_data["back"]),
            },
        )
    done = _apply(request, form, orders)
    if done:
        messages.success(
            request,
            ngettext("%(count)d order updated.", "%(count)d orders updated.", done)
            % {"count": done},
        )
    return redirect(_desk_url(form.cleaned_data["back"]))
