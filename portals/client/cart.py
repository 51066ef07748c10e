"""The client's cart: change lines, submit it as an order, see the confirmation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from carts.errors import CartError, CartSubmittedError
from carts.selectors import (
    cart_get_open_for_user,
    cart_get_submitted_for_user,
    cart_line_get_for_user,
    cart_rows,
    cart_total,
)
from carts.services import cart_remove_line, cart_submit, cart_update_line
from core.portals import CLIENT_PORTAL_PERMISSION
from portals.client.cart_count import remember_cart_count
from portals.client.catalog_forms import CartSubmitForm, QuantityForm

clients_only = permission_required(CLIENT_PORTAL_PERMISSION, raise_exception=True)


def _report(request, error: CartError) -> None:
    for message in error.messages:
        messages.error(request, str(message))


@require_GET
@login_required
@clients_only
def cart_page(request):
    cart = cart_get_open_for_user(user=request.user)
    rows = cart_rows(cart)
    remember_cart_count(request, len(rows))
    return render(
        request,
        "portals/client/cart_page.html",
        {
            "cart": cart,
            "rows": rows,
            "total": cart_total(rows),
            "submit_form": CartSubmitForm(initial={"cart": cart.pk}) if cart else None,
        },
    )


@require_POST
@login_required
@clients_only
def cart_line_update(request, pk):
    line = cart_line_get_for_user(user=request.user, line_id=pk)
    form = QuantityForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors)
        cart_update_line(by=request.user, line=line, quantity=form.cleaned_data["quantity"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, f"{line.item.name}: {message}")
    except CartError as error:
        _report(request, error)
    remember_cart_count(request)
    return redirect("portals_client:cart")


@require_POST
@login_required
@clients_only
def cart_line_remove(request, pk):
    line = cart_line_get_for_user(user=request.user, line_id=pk)
    try:
        cart_remove_line(by=request.user, line=line)
    except CartError as error:
        _report(request, error)
    else:
        messages.success(request, _("“%(name)s” was removed.") % {"name": line.item.name})
    remember_cart_count(request)
    return redirect("portals_client:cart")


@require_POST
@login_required
@clients_only
def cart_submit_view(request):
    form = CartSubmitForm(request.POST)
    cart = cart_get_open_for_user(user=request.user)
    if not form.is_valid():
        messages.error(request, _("Your cart has changed. Reload it and try again."))
        return redirect("portals_client:cart")
    submitted_id = form.cleaned_data["cart"]
    if cart is None or cart.pk != submitted_id:
        # A second click or another tab submitted this cart already: show what it became.
        if _is_own_submitted(request.user, submitted_id):
            return redirect("portals_client:cart_confirmation", pk=submitted_id)
        messages.error(request, _("Your cart has changed. Reload it and try again."))
        return redirect("portals_client:cart")
    try:
        cart_submit(by=request.user, cart=cart, comment=form.cleaned_data["comment"])
    except CartSubmittedError:
        return redirect("portals_client:cart_confirmation", pk=cart.pk)
    except CartError as error:
        _report(request, error)
        return redirect("portals_client:cart")
    remember_cart_count(request, 0)
    return redirect("portals_client:cart_confirmation", pk=cart.pk)


def _is_own_submitted(user, cart_id) -> bool:
    try:
        cart_get_submitted_for_user(user=user, cart_id=cart_id)
    except Http404:
        return False
    return True


@require_GET
@login_required
@clients_only
def cart_confirmation(request, pk):
    cart = cart_get_submitted_for_user(user=request.user, cart_id=pk)
    return render(
        request,
        "portals/client/cart_confirmation.html",
        {"cart": cart, "order": cart.order, "manager": cart.order.manager},
    )
