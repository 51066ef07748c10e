"""The board: open orders as cards in columns by stage, moved by drag and drop or a menu.

Moves go through `order_transition` with the card's version, so a card moved from a stale
board is refused; the columns are polled and re-rendered by htmx, and a plain POST and
redirect do the same without JavaScript.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.selectors import user_list_with_permission
from core.portals import MANAGER_PORTAL_PERMISSION
from orders.day_selectors import (
    order_board,
    order_board_version,
    order_transition_to,
)
from orders.errors import OrderConflictError, OrderError
from orders.lifecycle import PROCESS_ORDER, OrderKind, State
from orders.selectors import order_list_for_user
from orders.services import order_transition
from portals.access import user_may_change_orders
from portals.error_messages import order_error_texts

staff_only = permission_required(
    (MANAGER_PORTAL_PERMISSION, "orders.view_all_orders"), raise_exception=True
)
POLL_SECONDS = 10


class BoardFilterForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=OrderKind.choices, required=False)
    mine = forms.BooleanField(label=gettext_lazy("Only mine"), required=False)
    manager = forms.IntegerField(label=gettext_lazy("Manager"), required=False, min_value=1)
    customer = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class BoardMoveForm(forms.Form):
    version = forms.IntegerField(min_value=1)
    target = forms.CharField(required=False, max_length=32)
    # Set by the drag-and-drop script: the column the card was dropped on.
    dropped = forms.CharField(required=False, max_length=32)
    back = forms.CharField(required=False, max_length=500)


def _filters(query: QueryDict, user) -> dict:
    form = BoardFilterForm(query)
    data = form.cleaned_data if form.is_valid() else {}
    return {
        "kind": data.get("kind") or OrderKind.PRODUCT,
        "manager_id": user.pk if data.get("mine") else data.get("manager"),
        "customer_id": data.get("customer"),
        "mine": bool(data.get("mine")),
        "manager": data.get("manager"),
    }


def _board_query(filters) -> str:
    query = QueryDict(mutable=True)
    query["kind"] = filters["kind"]
    if filters["mine"]:
        query["mine"] = "1"
    elif filters["manager"]:
        query["manager"] = str(filters["manager"])
    if filters["customer_id"]:
        query["customer"] = str(filters["customer_id"])
    return query.urlencode()


def _columns_context(request, filters, notice=None, notice_level="danger"):
    board = order_board(
        user=request.user,
        kind=filters["kind"],
        manager_id=filters["manager_id"],
        customer_id=filters["customer_id"],
    )
    return {
        "board": board,
        "board_query": _board_query(filters),
        "filters": filters,
        "may_move": user_may_change_orders(request.user),
        "poll_seconds": getattr(settings, "ORDER_BOARD_POLL_SECONDS", POLL_SECONDS),
        "notice": notice,
        "notice_level": notice_level,
    }


@require_GET
@login_required
@staff_only
def order_board_page(request):
    filters = _filters(request.GET, request.user)
    context = _columns_context(request, filters)
    context.update(
        kinds=OrderKind.choices,
        managers=user_list_with_permission(PROCESS_ORDER),
        customer_name=_customer_name(context["board"], filters["customer_id"]),
    )
    return render(request, "portals/manager/board.html", context)


def _customer_name(board, customer_id) -> str:
    for column in board.columns:
        for card in column.cards:
            if card.order.customer_id == customer_id:
                return card.order.customer.name
    return f"#{customer_id}" if customer_id else ""


@require_GET
@login_required
@staff_only
def order_board_columns(request):
    """The polled columns: 204 (nothing to swap) while the board's fingerprint is the same."""
    filters = _filters(request.GET, request.user)
    seen = request.headers.get("X-Board-Version")
    if seen and seen == order_board_version(
        user=request.user,
        kind=filters["kind"],
        manager_id=filters["manager_id"],
        customer_id=filters["customer_id"],
    ):
        return HttpResponse(status=204)
    return render(
        request, "portals/manager/_board_columns.html", _columns_context(request, filters)
    )


@require_POST
@login_required
@staff_only
def order_board_move(request, pk):
    """Move a card to another column: the transition leading there, at the card's version."""
    if not user_may_change_orders(request.user):
        raise PermissionDenied
    order = get_object_or_404(order_list_for_user(user=request.user), pk=pk)
    form = BoardMoveForm(request.POST)
    back = QueryDict(form.data.get("back", ""))
    filters = _filters(back, request.user)
    notice, level = _move(request, order, form)
    if request.htmx:
        return render(
            request,
            "portals/manager/_board_columns.html",
            _columns_context(request, filters, notice=notice, notice_level=level),
        )
    if level == "success":
        messages.success(request, notice)
    else:
        messages.error(request, notice)
    return redirect(f"{reverse('portals_manager:order_board')}?{_board_query(filters)}")


def _move(request, order, form) -> tuple[str, str]:
    if not form.is_valid():
        return _("Choose the stage to move the order to."), "danger"
    target = form.cleaned_data["dropped"] or form.cleaned_data["target"]
    name = order_transition_to(order=order, target=target)
    if name is None:
        return (
            _("Order %(number)s cannot go from %(source)s to %(target)s.")
            % {
                "number": order.number,
                "source": order.get_state_display(),
                "target": dict(State.choices).get(target, target),
            },
            "danger",
        )
    try:
        moved = order_transition(
            order=order,
            transition=name,
            by=request.user,
            expected_version=form.cleaned_data["version"],
        )
    except OrderConflictError:
        return _("This order changed meanwhile — reload the board and try again."), "warning"
    except OrderError as error:
        reason = " ".join(order_error_texts(error))
        return _("Order %(number)s was not moved: %(reason)s") % {
            "number": order.number,
            "reason": reason,
        }, "danger"
    return _("Order %(number)s moved to %(state)s.") % {
        "number": moved.number,
        "state": moved.get_state_display(),
    }, "success"
