"""The client's chat with the manager on an order, and their feedback on it.

Who may: the order's own client users. `order_get_for_chat` gives every other order id
a 404; the services check the rest (client permission, delivered, once).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from conversations.selectors import feedback_for_order, order_get_for_chat
from conversations.services import feedback_leave, message_post, order_accepts_feedback
from orders.errors import OrderError
from portals.client.orders import clients_only
from portals.order_chat import (
    FeedbackForm,
    MessageForm,
    chat_context,
    chat_file_response,
    chat_poll_response,
    form_add_service_error,
    panel_response,
)

NAMESPACE = "portals_client"
CHAT_PANEL = "portals/_chat_panel.html"
FEEDBACK_PANEL = "portals/client/_feedback_panel.html"


def _order_url(order, anchor: str) -> str:
    return f"{reverse('portals_client:order_page', args=[order.pk])}#{anchor}"


def _chat(request, order, form):
    context = chat_context(order, namespace=NAMESPACE, viewer_is_client=True, form=form)
    return panel_response(request, CHAT_PANEL, context, back_url=_order_url(order, "order-chat"))


@require_GET
@login_required
@clients_only
def order_chat(request, pk):
    order = order_get_for_chat(user=request.user, order_id=pk)
    return _chat(request, order, MessageForm())


@require_POST
@login_required
@clients_only
def order_chat_post(request, pk):
    """htmx swaps the panel with the answer; a plain form post is redirected to the order."""
    order = order_get_for_chat(user=request.user, order_id=pk)
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            message_post(
                order=order,
                author=request.user,
                body=form.cleaned_data["body"],
                attachment=form.cleaned_data["attachment"],
            )
        except OrderError as error:
            form_add_service_error(form, error)
        else:
            if request.htmx:
                return _chat(request, order, MessageForm())
            messages.success(request, _("Your message was sent."))
            return redirect(_order_url(order, "order-chat"))
    return _chat(request, order, form)


@require_GET
@login_required
@clients_only
def order_chat_poll(request, pk):
    order = order_get_for_chat(user=request.user, order_id=pk)
    return chat_poll_response(request, order, namespace=NAMESPACE, viewer_is_client=True)


@require_GET
@login_required
@clients_only
def order_chat_file(request, pk, message_id):
    """A file sent in the order's chat; staff's internal notes are not the client's to get."""
    order = order_get_for_chat(user=request.user, order_id=pk)
    return chat_file_response(order, message_id, viewer_is_client=True)


@require_http_methods(["GET", "POST"])
@login_required
@clients_only
def order_feedback(request, pk):
    """The feedback left, or the form once the order is received; POST leaves it."""
    order = order_get_for_chat(user=request.user, order_id=pk)
    form = FeedbackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            feedback_leave(
                order=order,
                author=request.user,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except OrderError as error:
            form_add_service_error(form, error)
        else:
            if not request.htmx:
                messages.success(request, _("Thank you for your feedback!"))
                return redirect(_order_url(order, "order-feedback"))
            form = None
    feedback = feedback_for_order(order)
    accepts_feedback = feedback is None and order_accepts_feedback(order)
    if request.htmx and request.method == "GET" and not (feedback or accepts_feedback):
        return HttpResponse("")  # nothing to rate yet: the order page shows no panel
    context = {
        "order": order,
        "feedback": feedback,
        "accepts_feedback": accepts_feedback,
        "form": form or FeedbackForm(),
        "feedback_url": reverse("portals_client:order_feedback", args=[order.pk]),
    }
    return panel_response(
        request, FEEDBACK_PANEL, context, back_url=_order_url(order, "order-feedback")
    )
