"""The order's chat with the client and the client's feedback, on the manager's order page.

Who may: staff who see every order (`staff_only`, as the rest of the order desk) read
them; posting needs one of the order change permissions, so a director only reads.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from conversations.selectors import feedback_for_order, order_get_for_chat
from conversations.services import message_post
from orders.errors import OrderError
from portals.access import user_may_change_orders
from portals.manager.orders import staff_only
from portals.order_chat import (
    StaffMessageForm,
    chat_context,
    chat_file_response,
    chat_poll_response,
    form_add_service_error,
    panel_response,
)

NAMESPACE = "portals_manager"


def _order_url(order) -> str:
    return f"{reverse('portals_manager:order_page', args=[order.pk])}#order-chat"


def _context(request, order, form=None) -> dict:
    if form is None and user_may_change_orders(request.user):
        form = StaffMessageForm()
    return chat_context(order, namespace=NAMESPACE, viewer_is_client=False, form=form)


@require_GET
@login_required
@staff_only
def order_chat(request, pk):
    """The feedback (if left) and the chat, loaded into the order page."""
    order = order_get_for_chat(user=request.user, order_id=pk)
    context = {**_context(request, order), "feedback": feedback_for_order(order)}
    return panel_response(
        request,
        "portals/manager/_conversation_panel.html",
        context,
        back_url=_order_url(order),
    )


@require_POST
@login_required
@staff_only
def order_chat_post(request, pk):
    """htmx swaps the chat with the answer; a plain form post is redirected to the order."""
    if not user_may_change_orders(request.user):
        raise PermissionDenied
    order = order_get_for_chat(user=request.user, order_id=pk)
    form = StaffMessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            message_post(
                order=order,
                author=request.user,
                body=form.cleaned_data["body"],
                is_internal=form.cleaned_data["is_internal"],
                attachment=form.cleaned_data["attachment"],
            )
        except OrderError as error:
            form_add_service_error(form, error)
        else:
            if request.htmx:
                form = None
            else:
                messages.success(
                    request,
                    _("Your note was saved.")
                    if form.cleaned_data["is_internal"]
                    else _("Your message was sent."),
                )
                return redirect(_order_url(order))
    context = _context(request, order, form)
    return panel_response(request, "portals/_chat_panel.html", context, back_url=_order_url(order))


@require_GET
@login_required
@staff_only
def order_chat_poll(request, pk):
    order = order_get_for_chat(user=request.user, order_id=pk)
    return chat_poll_response(request, order, namespace=NAMESPACE, viewer_is_client=False)


@require_GET
@login_required
@staff_only
def order_chat_file(request, pk, message_id):
    """A file sent in the order's chat, internal notes' included."""
    order = order_get_for_chat(user=request.user, order_id=pk)
    return chat_file_response(order, message_id, viewer_is_client=False)
