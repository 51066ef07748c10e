"""Clients' carts for managers, read-only: who is about to order, and who left a cart."""

from decimal import Decimal
from typing import NamedTuple

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from carts.models import Cart
from carts.selectors import (
    ABANDONED_AFTER_DAYS,
    cart_is_abandoned,
    cart_list_for_manager,
    cart_values,
)
from core.portals import MANAGER_PORTAL_PERMISSION

PAGE_SIZE = 50
processors_only = permission_required(
    (MANAGER_PORTAL_PERMISSION, "orders.process_order"), raise_exception=True
)


class CartListRow(NamedTuple):
    cart: Cart
    is_abandoned: bool
    # What its order comes to (or came to): the client's cart page shows the same.
    value: Decimal


class CartFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All carts")),
            ("open", _("Open")),
            ("abandoned", _("Abandoned")),
            ("submitted", _("Submitted")),
        ],
    )


@require_GET
@login_required
@processors_only
def cart_list(request):
    form = CartFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    now = timezone.now()
    page = Paginator(cart_list_for_manager(status=status, now=now), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    carts = list(page.object_list)
    values = cart_values(carts)
    return render(
        request,
        "portals/manager/cart_list.html",
        {
            "form": form,
            "page_obj": page,
            "rows": [
                CartListRow(cart, cart_is_abandoned(cart, now=now), values[cart.pk])
                for cart in carts
            ],
            "abandoned_after_days": ABANDONED_AFTER_DAYS,
        },
    )
