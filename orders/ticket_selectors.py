"""Reads of the support desk: support requests by priority, then by stage deadline."""

from datetime import datetime

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from orders.lifecycle import OrderKind, State
from orders.models import Order
from orders.selectors import order_list_for_user

DESK_STATES = (State.NEW, State.IN_PROGRESS, State.WAITING_CLIENT, State.RESOLVED)
PRIORITY_ORDER = (
    Order.Priority.URGENT,
    Order.Priority.HIGH,
    Order.Priority.NORMAL,
    Order.Priority.LOW,
)


def support_ticket_list(
    *,
    user,
    states=(),
    priority: str = "",
    overdue: bool = False,
    now: datetime | None = None,
) -> QuerySet[Order]:
    """Tickets the user may see in the desk's states: urgent first, then the nearest stage
    deadline (none last), then the oldest."""
    tickets = order_list_for_user(user=user).filter(
        kind=OrderKind.SUPPORT, state__in=states or DESK_STATES
    )
    if priority:
        tickets = tickets.filter(priority=priority)
    if overdue:
        now = now or timezone.now()
        tickets = tickets.filter(Q(sla_level__gt=0) | Q(sla_due_at__lte=now))
    rank = Case(
        *(When(priority=value, then=Value(index)) for index, value in enumerate(PRIORITY_ORDER)),
        default=Value(len(PRIORITY_ORDER)),
        output_field=IntegerField(),
    )
    return tickets.annotate(priority_rank=rank).order_by(
        "priority_rank", F("sla_due_at").asc(nulls_last=True), "id"
    )


def support_ticket_get_for_user(*, user, ticket_id) -> Order:
    """The support request if `user` may see it, else 404 (another kind of order too)."""
    try:
        return order_list_for_user(user=user).get(pk=ticket_id, kind=OrderKind.SUPPORT)
    except (Order.DoesNotExist, ValueError, TypeError) as error:
        raise Http404("No such support request") from error
