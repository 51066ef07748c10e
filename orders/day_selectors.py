"""The manager's day: the home's counts and the board of open deals by stage.

Every read here costs a fixed number of queries whatever the number of orders: counts
are aggregates (one query each, grouped by state or manager) and the board reads at most
`per_column` cards of each column in one query (a window function ranks them).
"""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, F, Max, Q
from django.db.models.expressions import Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from orders.lifecycle import FINAL_STATES, PaymentTerms, State, stage_path
from orders.models import Order
from orders.selectors import (
    NEW_REQUEST_STATES,
    order_invoice_overdue_q,
    order_list_for_user,
    order_open_q,
    order_quote_waiting_q,
    order_sla_breached_q,
    order_unassigned_q,
)

BOARD_CARDS_PER_COLUMN = 20
STATE_LABELS = dict(State.choices)
STATE_ORDER = {state: position for position, state in enumerate(State.values)}


@dataclass(frozen=True)
class DaySummary:
    new_requests: int
    sla_breached: int
    quotes_waiting: int
    invoices_overdue: int
    by_state: list[tuple[str, str, int]]


def order_day_summary(*, user, manager_id=None, now: datetime | None = None) -> DaySummary:
    """The counts of the manager home: `manager_id`'s orders, or the whole team's without it.
    New requests waiting for a manager are nobody's yet, so they are the team's. Two queries."""
    now = now or timezone.now()
    orders = order_list_for_user(user=user).order_by()
    mine = Q(manager_id=manager_id) if manager_id else Q()
    totals = orders.aggregate(
        new_requests=Count("pk", filter=Q(state__in=NEW_REQUEST_STATES) & order_unassigned_q()),
        sla_breached=Count("pk", filter=mine & order_sla_breached_q(now)),
        quotes_waiting=Count("pk", filter=mine & order_quote_waiting_q()),
        invoices_overdue=Count(
            "pk", filter=mine & order_invoice_overdue_q(timezone.localdate(now))
        ),
    )
    by_state = sorted(
        (
            (state, STATE_LABELS.get(state, state), count)
            for state, count in orders.filter(mine, order_open_q())
            .values_list("state")
            .annotate(count=Count("pk"))
        ),
        key=lambda row: STATE_ORDER.get(row[0], len(STATE_ORDER)),
    )
    return DaySummary(by_state=by_state, **totals)


@dataclass(frozen=True)
class ManagerDayRow:
    manager_id: int | None
    name: str
    open_orders: int = 0
    sla_breached: int = 0
    quotes_waiting: int = 0
    invoices_overdue: int = 0


def order_day_by_manager(*, user, managers, now: datetime | None = None) -> list[ManagerDayRow]:
    """One row per manager (every one of `managers`, and whoever else holds open orders)
    with the home's counts; unassigned orders last. One query besides `managers`."""
    now = now or timezone.now()
    counts = {
        row["manager_id"]: row
        for row in order_list_for_user(user=user)
        .order_by()
        .filter(order_open_q())
        .values("manager_id")
        .annotate(
            open_orders=Count("pk"),
            sla_breached=Count("pk", filter=order_sla_breached_q(now)),
            quotes_waiting=Count("pk", filter=order_quote_waiting_q()),
            invoices_overdue=Count("pk", filter=order_invoice_overdue_q(timezone.localdate(now))),
            name_first=Max("manager__first_name"),
            name_last=Max("manager__last_name"),
            name_login=Max("manager__username"),
        )
    }
    rows = []
    for manager in managers:
        row = counts.pop(manager.pk, {})
        rows.append(_manager_row(manager.pk, str(manager), row))
    unassigned = counts.pop(None, None)
    for manager_id, row in counts.items():
        name = f"{row['name_first']} {row['name_last']}".strip() or row["name_login"]
        rows.append(_manager_row(manager_id, name, row))
    if unassigned:
        rows.append(_manager_row(None, "", unassigned))
    return rows


def _manager_row(manager_id, name, counts) -> ManagerDayRow:
    return ManagerDayRow(
        manager_id=manager_id,
        name=name,
        open_orders=counts.get("open_orders", 0),
        sla_breached=counts.get("sla_breached", 0),
        quotes_waiting=counts.get("quotes_waiting", 0),
        invoices_overdue=counts.get("invoices_overdue", 0),
    )


# The board


def board_states_for(kind: str) -> list[str]:
    """The board's columns: the open stages of the kind's full path, in workflow order."""
    return [state for state in stage_path(kind, PaymentTerms.PREPAY) if state not in FINAL_STATES]


@dataclass(frozen=True)
class BoardMove:
    target: str
    label: str


@dataclass
class BoardCard:
    order: Order
    sla: str  # "", "green", "amber" or "red"
    moves: list[BoardMove] = field(default_factory=list)


@dataclass
class BoardColumn:
    state: str
    label: str
    count: int = 0
    cards: list[BoardCard] = field(default_factory=list)

    @property
    def hidden_count(self) -> int:
        return self.count - len(self.cards)


@dataclass
class Board:
    kind: str
    columns: list[BoardColumn]
    version: str


def _board_orders(*, user, kind, manager_id=None, customer_id=None):
    orders = order_list_for_user(user=user).filter(kind=kind, state__in=board_states_for(kind))
    if manager_id:
        orders = orders.filter(manager_id=manager_id)
    if customer_id:
        orders = orders.filter(customer_id=customer_id)
    return orders


def order_board_version(
    *, user, kind, manager_id=None, customer_id=None, now: datetime | None = None
) -> str:
    """A short fingerprint of what the board would show: its counts and latest changes per
    column, and the minute (times in stage and SLA colours move with the clock). One query."""
    now = now or timezone.now()
    rows = (
        _board_orders(user=user, kind=kind, manager_id=manager_id, customer_id=customer_id)
        .order_by("state")
        .values_list("state")
        .annotate(count=Count("pk"), latest=Max("updated_at"))
    )
    return _fingerprint(list(rows), now)


def _fingerprint(rows, now) -> str:
    text = repr((sorted(rows), now.replace(second=0, microsecond=0).isoformat()))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def order_board(
    *,
    user,
    kind: str,
    manager_id=None,
    customer_id=None,
    per_column: int = BOARD_CARDS_PER_COLUMN,
    now: datetime | None = None,
) -> Board:
    """Open orders of `kind` in columns by stage: each column's count and its `per_column`
    latest arrivals, each with the moves `user` may offer from it. Two queries."""
    now = now or timezone.now()
    orders = _board_orders(user=user, kind=kind, manager_id=manager_id, customer_id=customer_id)
    counted = list(
        orders.order_by("state")
        .values_list("state")
        .annotate(count=Count("pk"), latest=Max("updated_at"))
    )
    states = board_states_for(kind)
    columns = {state: BoardColumn(state=state, label=STATE_LABELS[state]) for state in states}
    for state, count, _latest in counted:
        columns[state].count = count
    ranked = (
        orders.annotate(
            board_position=Window(
                RowNumber(),
                partition_by=[F("state")],
                order_by=[F("state_changed_at").desc(), F("pk").desc()],
            )
        )
        .filter(board_position__lte=per_column)
        .order_by("-state_changed_at", "-pk")
    )
    for order in ranked:
        columns[order.state].cards.append(
            BoardCard(
                order=order,
                sla=order_sla_colour(order, now),
                moves=order_board_moves(order=order, user=user, states=states),
            )
        )
    return Board(kind=kind, columns=list(columns.values()), version=_fingerprint(counted, now))


def order_sla_colour(order: Order, now: datetime) -> str:
    """Red past the deadline (or escalated), amber in its last quarter, green before; none
    without a deadline."""
    if order.sla_level or (order.sla_due_at and order.sla_due_at <= now):
        return "red"
    if order.sla_due_at is None:
        return ""
    allowed = order.sla_due_at - order.state_changed_at
    left = order.sla_due_at - now
    return "amber" if left * 4 <= allowed else "green"


def _transitions_from(order: Order):
    for transition in order.get_all_state_transitions():
        if transition.source in (order.state, "*") and not transition.custom.get("internal"):
            yield transition


def order_board_moves(*, order: Order, user, states) -> list[BoardMove]:
    """The moves to offer on a card: transitions to another column that `user` holds the
    permission for and the order's workflow has. Conditions on the order's facts (an
    accepted quote, a payment) are left to the service, which says what is missing;
    checking them here would cost queries per card."""
    moves = []
    for transition in _transitions_from(order):
        if (
            transition.target not in states
            or transition.target == order.state
            or transition.custom.get("requires_reason")
            or not transition.has_perm(order, user)
        ):
            continue
        if all(
            condition(order)
            for condition in transition.conditions
            if getattr(condition, "configuration", False)
        ):
            moves.append(
                BoardMove(
                    target=transition.target,
                    label=str(transition.custom.get("label", transition.name)),
                )
            )
    return moves


def order_transition_to(*, order: Order, target: str) -> str | None:
    """The name of the lifecycle transition leading from the order's state to `target`,
    whoever may take it; None when no transition leads there."""
    candidates = [
        transition
        for transition in _transitions_from(order)
        if transition.target == target and transition.target != order.state
    ]
    for transition in candidates:
        if all(
            condition(order)
            for condition in transition.conditions
            if getattr(condition, "configuration", False)
        ):
            return transition.name
    return candidates[0].name if candidates else None
