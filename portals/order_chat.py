"""The order chat and feedback panels, the same in the client and manager portals.

Each portal's views decide who may use them and which order; this module holds the
forms and builds the panels' context and responses.
"""

from django import forms
from django.http import FileResponse, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from conversations.models import BODY_MAX_LENGTH, RATING_MAX, RATING_MIN
from conversations.selectors import message_with_attachment_get, messages_for_order
from core.form_errors import form_add_errors
from orders.errors import OrderError, OrderValidationError

POLL_SECONDS = 10
RATING_CHOICES = [(value, str(value)) for value in range(RATING_MIN, RATING_MAX + 1)]


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    attachment = forms.FileField(label=_("File (PDF, JPG, PNG or TXT)"), required=False)


class StaffMessageForm(MessageForm):
    """Staff may keep a message among themselves: an internal note the client never sees."""

    is_internal = forms.BooleanField(label=_("Internal note: only staff see it"), required=False)


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rating"), choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=BODY_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def form_add_service_error(form: forms.Form, error: OrderError) -> None:
    """Put a service's refusal on the form: on the field it names, else above the form."""
    if isinstance(error, OrderValidationError):
        form_add_errors(form, error.errors)
        return
    for message in error.messages:
        form.add_error(None, str(message))


def _after(request) -> int | None:
    """The poll's `after`: the id of the last message the page shows (0 for none)."""
    try:
        return max(int(request.GET.get("after", "")), 0)
    except ValueError:
        return None


def chat_context(order, *, namespace: str, viewer_is_client: bool, form=None) -> dict:
    """The panel: every message, the poll that appends newer ones, the form (if any)."""
    chat_messages = list(messages_for_order(order, include_internal=not viewer_is_client))
    return {
        "order": order,
        "chat_messages": chat_messages,
        "last_id": chat_messages[-1].pk if chat_messages else 0,
        "viewer_is_client": viewer_is_client,
        "form": form,
        "poll_seconds": POLL_SECONDS,
        "chat_url": reverse(f"{namespace}:order_chat", args=[order.pk]),
        "post_url": reverse(f"{namespace}:order_chat_post", args=[order.pk]),
        "poll_url": reverse(f"{namespace}:order_chat_poll", args=[order.pk]),
        "file_view": f"{namespace}:order_chat_file",
    }


def chat_file_response(order, message_id, *, viewer_is_client: bool) -> FileResponse:
    """The message's file as a download; 404 for a note the viewer may not see."""
    message = message_with_attachment_get(order, message_id, include_internal=not viewer_is_client)
    return FileResponse(
        message.attachment.open("rb"), as_attachment=True, filename=message.attachment_name
    )


def chat_poll_response(request, order, *, namespace: str, viewer_is_client: bool):
    """Only the messages newer than `after`, then a new poller; 204 (no swap) when none."""
    after = _after(request)
    if after is None:
        return HttpResponseBadRequest("after: the id of the last message shown")
    newer = list(messages_for_order(order, after_id=after, include_internal=not viewer_is_client))
    if not newer:
        return HttpResponse(status=204)
    return render(
        request,
        "portals/_chat_new_messages.html",
        {
            "order": order,
            "chat_messages": newer,
            "last_id": newer[-1].pk,
            "viewer_is_client": viewer_is_client,
            "poll_seconds": POLL_SECONDS,
            "poll_url": reverse(f"{namespace}:order_chat_poll", args=[order.pk]),
            "file_view": f"{namespace}:order_chat_file",
        },
    )


def panel_response(request, panel_template: str, context: dict, *, back_url: str):
    """The panel alone for htmx; without JavaScript, a page around it linking to the order."""
    if request.htmx:
        return render(request, panel_template, context)
    return render(
        request,
        "portals/order_panel_page.html",
        {**context, "panel_template": panel_template, "back_url": back_url},
    )
