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


def messages_for_order(order: Order, after_id: int | None = None) -> QuerySet[OrderMessage]:
    """The order's messages oldest first; with `after_id`, only those newer than it."""
    queryset = OrderMessage.objects.filter(order=order).select_related("author")
    if after_id is not None:
        queryset = queryset.filter(pk__gt=after_id)
    # By id, the same key the poll pages on, so a poll neither repeats nor skips what
    # the page already shows.
    return queryset.order_by("id")


def feedback_for_order(order: Order) -> Feedback | None:
    return Feedback.objects.select_related("author").filter(order=order).first()


def messages_for_customer(*, user, customer_id, limit: int = 30) -> list[OrderMessage]:
    """The latest chat messages on a customer's orders the user may see, newest first."""
    visible = order_list_for_user(user=user).filter(customer_id=customer_id).values("pk")
    return list(
        OrderMessage.objects.filter(order__in=visible)
        .select_related("order", "author")
        .order_by("-id")[:limit]
    )


def feedback_for_customer(*, user, customer_id, limit: int = 30) -> list[Feedback]:
    """The feedback left on a customer's orders the user may see, newest first."""
    visible = order_list_for_user(user=user).filter(customer_id=customer_id).values("pk")
    return list(
        Feedback.objects.filter(order__in=visible)
        .select_related("order", "author")
        .order_by("-id")[:limit]
    )
