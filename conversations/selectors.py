"""Reads of the order chat and feedback, each with its joins and a fixed number of queries."""

from django.db.models import QuerySet
from django.http import Http404

from conversations.models import Feedback, OrderMessage
from orders.models import Order
from orders.selectors import order_list_for_user


def order_get_for_chat(*, user, order_id) -> Order:
    """The order if `user` may see it, else 404: the scope of `order_get_for_user`.

    Without the order page's prefetches: the chat polls every few seconds and needs
    only the order row.
    """
    try:
        return order_list_for_user(user=user).get(pk=order_id)
    except (Order.DoesNotExist, ValueError, TypeError) as error:
        raise Http404("No such order") from error


def messages_for_order(
    order: Order, after_id: int | None = None, *, include_internal: bool = False
) -> QuerySet[OrderMessage]:
    """The order's messages oldest first; with `after_id`, only those newer than it.

    Staff's internal notes only with `include_internal`: a caller showing the thread to
    the client cannot get them by forgetting an argument.
    """
    queryset = OrderMessage.objects.filter(order=order).select_related("author")
    if not include_internal:
        queryset = queryset.filter(is_internal=False)
    if after_id is not None:
        queryset = queryset.filter(pk__gt=after_id)
    # By id, the same key the poll pages on, so a poll neither repeats nor skips what
    # the page already shows.
    return queryset.order_by("id")


def attachments_for_order(order: Order, *, include_internal: bool = False) -> list[OrderMessage]:
    """The order's messages that carry a file, oldest first (internal ones as above)."""
    return list(messages_for_order(order, include_internal=include_internal).exclude(attachment=""))


def message_with_attachment_get(
    order: Order, message_id, *, include_internal: bool = False
) -> OrderMessage:
    """The order's message with a file, else 404: another order's, or a note the viewer
    may not see, is as absent as a missing one."""
    try:
        return (
            messages_for_order(order, include_internal=include_internal)
            .exclude(attachment="")
            .get(pk=message_id)
        )
    except (OrderMessage.DoesNotExist, ValueError, TypeError) as error:
        raise Http404("No such file") from error


def feedback_for_order(order: Order) -> Feedback | None:
    """The order's feedback with its author and, for a low rating, the follow-up task."""
    return (
        Feedback.objects.select_related("author", "follow_up_task__assignee")
        .filter(order=order)
        .first()
    )


def messages_for_customer(
    *, user, customer_id, limit: int = 30, include_internal: bool = False
) -> list[OrderMessage]:
    """The latest chat messages on a customer's orders the user may see, newest first;
    staff's internal notes only with `include_internal`."""
    visible = order_list_for_user(user=user).filter(customer_id=customer_id).values("pk")
    messages = OrderMessage.objects.filter(order__in=visible)
    if not include_internal:
        messages = messages.filter(is_internal=False)
    return list(messages.select_related("order", "author").order_by("-id")[:limit])


def feedback_for_customer(*, user, customer_id, limit: int = 30) -> list[Feedback]:
    """The feedback left on a customer's orders the user may see, newest first."""
    visible = order_list_for_user(user=user).filter(customer_id=customer_id).values("pk")
    return list(
        Feedback.objects.filter(order__in=visible)
        .select_related("order", "author")
        .order_by("-id")[:limit]
    )
