"""Reads shared by portals and the API: scoped to what the user may see, with their joins."""

import functools
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db import connection
from django.db.models import (
    Case,
    Exists,
    F,
    Field,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone

from catalog.models import Item
from core.prefetch import relation_loaded
from core.query_shapes import QueryShape
from customers.models import Contact, Customer
from customers.selectors import (
    SEARCH_FRAGMENT_MIN_LENGTH,
    contact_match_condition,
    customer_match_condition,
    search_phrase,
)
from orders.lifecycle import FINAL_STATES, DeliveryStatus, OrderKind, State
from orders.models import Invoice, Order, OrderEvent, OrderLine, Payment, Quote, Refund
from orders.numbering import order_numbers_for_query

VIEW_ALL_ORDERS = "orders.view_all_orders"


def _base() -> QuerySet[Order]:
    return Order.objects.select_related(
        "customer", "contact", "manager", "workflow", "shipping_carrier"
    )


@dataclass(frozen=True)
class OrderScope:
    """Which orders a user sees: all of them, one company's, or none."""

    everything: bool = False
    customer_id: int | None = None

    @property
    def key(self) -> str:
        """Users with one key see the same orders: what is read for one serves them all."""
        if self.everything:
            return "all"
        return f"customer-{self.customer_id}" if self.customer_id is not None else "none"


def order_scope_for_user(*, user) -> OrderScope:
    """What `order_list_for_user` gives this user, told without a query (permissions aside)."""
    if not user.is_authenticated or not user.is_active:
        return OrderScope()
    if user.has_perm(VIEW_ALL_ORDERS):
        return OrderScope(everything=True)
    contact = getattr(user, "contact", None)
    if contact is not None and user.has_perm("orders.act_as_client"):
        return OrderScope(customer_id=contact.customer_id)
    return OrderScope()


def order_scope_condition(scope: OrderScope, *, through: str = "") -> Q:
    """The scope as a condition on orders, or on a model's `through` relation to its order
    (`through="order__"`): a join the planner sees, where `order__in` would be a subquery."""
    if scope.everything:
        return Q()
    if scope.customer_id is not None:
        return Q(**{f"{through}customer_id": scope.customer_id})
    return Q(**{f"{through}pk__in": []})


def order_list_for_user(*, user) -> QuerySet[Order]:
    """Every order for staff who see all; a client's own company's orders; nothing otherwise."""
    scope = order_scope_for_user(user=user)
    if not scope.everything and scope.customer_id is None:
        return Order.objects.none()
    return _base().filter(order_scope_condition(scope))


def _order_relations() -> dict[str, Prefetch | str]:
    """What an order page reads of one order, each in its order. The models' default
    orderings start with the order's own columns, a join that sorts nothing for one order."""
    return {
        "lines": Prefetch(
            "lines", queryset=OrderLine.objects.select_related("item").order_by("position")
        ),
        "events": Prefetch(
            "events", queryset=OrderEvent.objects.select_related("actor").order_by("id")
        ),
        "quotes": Prefetch("quotes", queryset=Quote.objects.order_by("-version")),
        "payments": Prefetch("payments", queryset=Payment.objects.order_by("paid_at", "id")),
        "refunds": Prefetch("refunds", queryset=Refund.objects.order_by("created_at", "id")),
        "invoices": Prefetch("invoices", queryset=Invoice.objects.order_by("created_at", "id")),
        "documents": "documents",  # billing's model, sorted as billing says
    }


# `_order_relations`' names, in their order.
ORDER_RELATIONS = ("lines", "events", "quotes", "payments", "refunds", "invoices", "documents")


def order_get_for_user(*, user, order_id, only_if_any: tuple[str, ...] = ()) -> Order:
    """One order with its lines, events, quotes and money; 404 when it is not the user's to see.

    Relations named in `only_if_any`, ones most orders have none of (refunds, documents, a
    page's tasks), cost an EXISTS in the order's own query instead of a query each: the order
    gets `has_<name>`, and one of the relations above is read only when there is some.

    Each read is a `QueryShape`, compiled once per process: the same statements as
    `select_related` and `prefetch_related` would send, without compiling them per request.
    """
    scope = order_scope_for_user(user=user)
    key = _order_key(order_id)
    if key is None or (not scope.everything and scope.customer_id is None):
        raise Http404("No such order")
    found = _order_shape(scope.everything, tuple(only_if_any)).objects(
        order_id=key, customer_id=scope.customer_id
    )
    if not found:
        raise Http404("No such order")
    order = found[0]
    for name in ORDER_RELATIONS:
        if name in only_if_any and not getattr(order, f"has_{name}"):
            relation_loaded(order, name, [])
            continue
        shape, to_order = _relation_shape(name)
        rows = shape.objects(order_id=order.pk)
        for row in rows:
            to_order.set_cached_value(row, order)  # as a prefetch leaves each row
        relation_loaded(order, name, rows)
    return order


_KEY_RANGE = range(-(2**63), 2**63)


def _order_key(order_id) -> int | None:
    # What the URL or a caller gave, as the key a query may hold; None matches no order.
    try:
        key = int(order_id)
    except (ValueError, TypeError):
        return None
    return key if key in _KEY_RANGE else None


@functools.cache
def _order_shape(everything: bool, only_if_any: tuple[str, ...]) -> QueryShape:
    relation = Order._meta.get_field

    def build(*, order_id, customer_id=None):
        scope = OrderScope(everything=True) if everything else OrderScope(customer_id=customer_id)
        return (
            _base()
            .filter(order_scope_condition(scope), pk=order_id)
            .select_related("related_order")
            .annotate(
                **{
                    f"has_{name}": Exists(
                        relation(name).related_model.objects.filter(
                            **{relation(name).field.name: OuterRef("pk")}
                        )
                    )
                    for name in only_if_any
                }
            )
        )

    return (
        QueryShape(build, "order_id")
        if everything
        else QueryShape(build, "order_id", "customer_id")
    )


@functools.cache
def _relation_shape(name: str) -> tuple[QueryShape, Field]:
    """The relation's read of one order's rows, and its foreign key to the order."""
    lookup = _order_relations()[name]
    field = Order._meta.get_field(name).field

    def build(*, order_id):
        queryset = (
            lookup.queryset if isinstance(lookup, Prefetch) else field.model._default_manager.all()
        )
        return queryset.filter(**{field.attname: order_id})

    return QueryShape(build, "order_id"), field


def order_get_created_for_user(*, user, order: Order) -> Order:
    """`order_get_for_user` for an order `order_create` has just returned, without reading it
    back: its lines and its event are the ones it wrote (loaded on it), and a new order has
    no quote, payment, refund, invoice or document yet. 404 when the user may not see it.
    Any other order is read as `order_get_for_user` reads it."""
    loaded = getattr(order, "_prefetched_objects_cache", {})
    if "lines" not in loaded or "events" not in loaded or order.version != 1:
        return order_get_for_user(user=user, order_id=order.pk)
    if not _may_see(user, order):
        raise Http404("No such order")
    for relation in ("quotes", "payments", "refunds", "invoices", "documents"):
        relation_loaded(order, relation, [])
    return order


def _may_see(user, order: Order) -> bool:
    """`order_list_for_user`'s rule for one order in hand."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.has_perm(VIEW_ALL_ORDERS):
        return True
    contact = getattr(user, "contact", None)
    return (
        contact is not None
        and user.has_perm("orders.act_as_client")
        and contact.customer_id == order.customer_id
    )


@dataclass(frozen=True)
class TransitionOption:
    name: str
    label: str
    target: str
    requires_reason: bool


def order_available_transitions(*, order: Order, user) -> list[TransitionOption]:
    """What `user` may do with `order` now: permitted and with every condition met."""
    options = []
    for transition in order.get_available_user_state_transitions(user):
        if transition.custom.get("internal"):
            continue  # taken through its own service (amending needs new lines)
        options.append(
            TransitionOption(
                name=transition.name,
                label=str(transition.custom.get("label", transition.name)),
                target=transition.target,
                requires_reason=bool(transition.custom.get("requires_reason")),
            )
        )
    return options


def order_may_amend(*, order: Order, user) -> bool:
    """Whether `user` may amend `order` now (its lines change, it goes back to quoting):
    only that transition's conditions and permission are checked, not every one's."""
    return any(
        transition.name == "amend"
        and transition.source in (order.state, "*")
        and all(condition(order) for condition in transition.conditions)
        and transition.has_perm(order, user)
        for transition in order.get_all_state_transitions()
    )


def order_list_open_deliveries(*, user) -> QuerySet[Order]:
    """Orders on their way that the client has not received yet, soonest expected first.

    Orders name no courier: every courier sees every open delivery.
    """
    return (
        order_list_for_user(user=user)
        .filter(state=State.DELIVERY)
        .exclude(delivery_status=DeliveryStatus.HANDED_TO_CLIENT)
        .order_by(F("expected_delivery_date").asc(nulls_last=True), "state_changed_at", "id")
    )


def order_list_production_queue(*, user) -> QuerySet[Order]:
    """Orders in production, the soonest expected delivery first, then the longest waiting."""
    return (
        order_list_for_user(user=user)
        .filter(state=State.PRODUCTION)
        .order_by(F("expected_delivery_date").asc(nulls_last=True), "state_changed_at", "id")
    )


def order_may_ship(*, order: Order, user) -> bool:
    """Whether `user` may take "Ship" on `order` now; its conditions read only the workflow,
    so a queue of rows costs no query per row."""
    return any(
        transition.name == "ship"
        and transition.source == order.state
        and transition.has_perm(order, user)
        and all(condition(order) for condition in transition.conditions)
        for transition in Order._meta.get_field("state").get_all_transitions(Order)
    )


def order_open_q() -> Q:
    return ~Q(state__in=FINAL_STATES)


def order_sla_breached_q(now=None) -> Q:
    """Open orders past their stage's SLA deadline (or already escalated)."""
    return order_open_q() & (Q(sla_level__gt=0) | Q(sla_due_at__lte=now or timezone.now()))


def order_unassigned_q() -> Q:
    return Q(manager__isnull=True)


def order_quote_waiting_q() -> Q:
    """At the quote stage with a quote sent to the client and not accepted yet."""
    sent = Quote.objects.filter(order=OuterRef("pk"), status=Quote.Status.SENT)
    return Q(state=State.QUOTE) & Q(Exists(sent))


def order_invoice_overdue_q(today=None) -> Q:
    """Open orders with an invoice still awaiting payment after its pay-by date."""
    overdue = Invoice.objects.filter(
        order=OuterRef("pk"),
        status=Invoice.Status.ISSUED,
        due_date__lt=today or timezone.localdate(),
    )
    return order_open_q() & Q(Exists(overdue))


# What a desk row shows (portals/manager/desk_rows.py); the manager's name parts too.
DESK_COLUMNS = (
    "id",
    "number",
    "state",
    "kind",
    "channel",
    "delivery_method",
    "sla_level",
    "created_at",
    "total",
    "currency",
    "customer__name",
    "manager__username",
    "manager__first_name",
    "manager__last_name",
)
# The desk reads its rows as named tuples of these: fifty model instances with their customer
# and manager cost more CPU than the query that fills them.
DESK_ROW_FIELDS = ("pk", *DESK_COLUMNS[1:])


def order_desk_list(
    *,
    user,
    states=(),
    kind: str = "",
    manager=None,
    overdue: bool = False,
    query: str = "",
    before_id: int | None = None,
    unassigned: bool = False,
    quote_waiting: bool = False,
    invoice_overdue: bool = False,
    open_only: bool = False,
) -> QuerySet[Order]:
    """The manager's order desk: filtered, newest first, keyset-paged by id (no COUNT).

    Only the columns the desk shows: planning a join of five tables for every page cost
    more than running it.
    """
    queryset = (
        order_list_for_user(user=user).select_related(None).select_related("customer", "manager")
    )
    queryset = queryset.only(*DESK_COLUMNS)
    if states:
        queryset = queryset.filter(state__in=states)
    if kind:
        queryset = queryset.filter(kind=kind)
    if manager is not None:
        queryset = queryset.filter(manager=manager)
    if overdue:
        queryset = queryset.filter(order_sla_breached_q())
    if unassigned:
        queryset = queryset.filter(order_unassigned_q())
    if quote_waiting:
        queryset = queryset.filter(order_quote_waiting_q())
    if invoice_overdue:
        queryset = queryset.filter(order_invoice_overdue_q())
    if open_only:
        queryset = queryset.filter(order_open_q())
    for word in query.split():
        queryset = queryset.filter(order_match_condition(word))
    if before_id is not None:
        queryset = queryset.filter(pk__lt=before_id)
    return queryset.order_by("-id")


def order_events_for_customer(*, user, customer_id, limit: int = 30) -> list[OrderEvent]:
    """The latest events of a customer's orders, for the customer card's history."""
    visible = order_list_for_user(user=user).filter(customer_id=customer_id).values("pk")
    return list(
        OrderEvent.objects.filter(order__in=visible)
        .select_related("order", "actor")
        .order_by("-id")[:limit]
    )


NEW_REQUEST_STATES = (State.REQUEST, State.NEW)


def order_count_new_requests(*, user, since) -> int:
    """Requests placed after `since` and still waiting, for the desk's "new since" notice."""
    return (
        order_list_for_user(user=user)
        .filter(state__in=NEW_REQUEST_STATES, created_at__gt=since)
        .count()
    )


def order_transition_choices_for_user(*, user) -> list[tuple[str, str]]:
    """Transitions `user` holds the permission for on some order, by name, for bulk actions.

    Whether one is possible for a given order (its state, conditions, the client's own
    orders) is decided per order by the service.
    """
    choices: dict[str, str] = {}
    for transition in Order._meta.get_field("state").get_all_transitions(Order):
        if transition.name in choices or transition.custom.get("internal"):
            continue
        permissions = getattr(transition.permission, "permissions", ())
        if any(user.has_perm(permission) for permission in permissions):
            choices[transition.name] = str(transition.custom.get("label", transition.name))
    return sorted(choices.items(), key=lambda choice: choice[1])


SEARCH_GROUP_SIZE = 10
# Customers, contacts or items a fragment matches, looked up first, up to this many.
SEARCH_IDS_MAX = 200
DIGITS_FRAGMENT_MIN_LENGTH = 8


def _by_ids(lookups: dict[str, QuerySet]) -> dict[str, Q]:
    """Each field (`customer_id`...) among the ids of its matches (customers, contacts,
    items: small tables), as a list when there are few: given a subquery, the planner has
    to guess how many orders it names, and a guess of "some" for what is in fact none walks
    every order newest first looking for them. Many: the subquery, and that walk stops early.

    The ids of all of them are read in one statement, a UNION ALL of one bounded branch each.
    """
    branches = [
        matches.model.objects.filter(pk__in=matches.order_by().values("pk")[: SEARCH_IDS_MAX + 1])
        .annotate(lookup=Value(number))
        .values_list("lookup", "pk")
        .order_by()
        for number, matches in enumerate(lookups.values())
    ]
    found: dict[int, list] = {}
    for number, pk in branches[0].union(*branches[1:], all=True):
        found.setdefault(number, []).append(pk)
    conditions = {}
    for number, (field, matches) in enumerate(lookups.items()):
        ids = found.get(number, [])
        if len(ids) > SEARCH_IDS_MAX:
            conditions[field] = Q(**{f"{field}__in": matches.values("pk")})
        elif ids:
            conditions[field] = Q(**{f"{field}__in": ids})
    return conditions


@dataclass(frozen=True)
class _OrderSearch:
    """Where a search phrase may be found on an order, one condition per index."""

    numbers: list[str]
    on_order: list[Q]
    line_conditions: list[Q]

    @classmethod
    def of(cls, phrase: str, *, lines: bool = True) -> "_OrderSearch":
        numbers = order_numbers_for_query(phrase, this_year=timezone.localdate().year)
        in_lines = lines and len(phrase) >= SEARCH_FRAGMENT_MIN_LENGTH
        by_ids = _by_ids(
            {
                "customer_id": Customer.objects.filter(customer_match_condition(phrase)),
                "contact_id": Contact.objects.filter(contact_match_condition(phrase)),
                **({"item_id": Item.objects.filter(sku__icontains=phrase)} if in_lines else {}),
            }
        )
        on_order = [Q(number__in=numbers)] if numbers else []
        on_order += [by_ids[field] for field in ("customer_id", "contact_id") if field in by_ids]
        on_order.append(Q(external_id=phrase))
        line_conditions = []
        # A short run of digits ("000008") is made of trigrams every tracking number has:
        # the index cannot narrow it down, so it must match a tracking number whole.
        short_digits = phrase.isdigit() and len(phrase) < DIGITS_FRAGMENT_MIN_LENGTH
        if len(phrase) >= SEARCH_FRAGMENT_MIN_LENGTH and not short_digits:
            on_order += [Q(subject__icontains=phrase), Q(tracking_number__icontains=phrase)]
        else:
            on_order.append(Q(tracking_number__iexact=phrase))
        if in_lines:
            line_conditions = [Q(name__icontains=phrase)]
            line_conditions += [by_ids["item_id"]] if "item_id" in by_ids else []
        return cls(numbers=numbers, on_order=on_order, line_conditions=line_conditions)

    def condition(self) -> Q:
        """All of it as one condition on `Order` (subqueries for customers, contacts, lines)."""
        lines = [
            Q(pk__in=OrderLine.objects.filter(condition).values("order_id"))
            for condition in self.line_conditions
        ]
        return reduce(or_, [*self.on_order, *lines])


def order_match_condition(phrase: str) -> Q:
    """Orders that `phrase` names: by number in any form (`2026-000008`, `000008`, `8`:
    the sequence part exactly), by customer (name, INN, email, phone), contact (name,
    email, phone), item name or SKU in a line, tracking number, subject or external ID."""
    return _OrderSearch.of(search_phrase(phrase)).condition()


def order_search_results(
    *, user, query: str, tickets: bool = False, limit: int = SEARCH_GROUP_SIZE
) -> list[Order]:
    """The search box's orders (or, with `tickets`, its support requests): those the
    user may see that `query` names, an exact number first, then newest. At most
    `limit + 1` (one more tells the page there are more), in one query after the
    look-ups of the customers, contacts and items (SKU) it names.

    On PostgreSQL, for staff who see every order, the query is a union of one bounded
    query per index (number, customers, contacts, the order's own columns, line names,
    SKUs), each taking its newest `limit + 1` orders, so each is planned on its own index
    and stops early; an `OR` across joined tables would walk the orders table instead.
    """
    phrase = search_phrase(query)
    if not phrase:
        return []
    visible = order_list_for_user(user=user)
    kind = Q(kind=OrderKind.SUPPORT) if tickets else ~Q(kind=OrderKind.SUPPORT)
    # Support requests have no lines: a ticket is found by its subject, number or customer.
    search = _OrderSearch.of(phrase, lines=not tickets)
    if user.has_perm(VIEW_ALL_ORDERS) and connection.features.supports_slicing_ordering_in_compound:
        branches = [
            Order.objects.filter(kind, condition).order_by("-id").values("pk")[: limit + 1]
            for condition in search.on_order
        ]
        line_kind = (
            Q(order__kind=OrderKind.SUPPORT) if tickets else ~Q(order__kind=OrderKind.SUPPORT)
        )
        branches += [
            OrderLine.objects.filter(line_kind, condition)
            .order_by("-order_id")
            .values("order_id")
            .distinct()[: limit + 1]
            for condition in search.line_conditions
        ]
        matches = visible.filter(pk__in=branches[0].union(*branches[1:]))
    else:
        matches = visible.filter(kind, search.condition())
    if search.numbers:
        exact_first = Case(
            When(number__in=search.numbers, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        matches = matches.annotate(number_rank=exact_first).order_by("number_rank", "-id")
    else:
        matches = matches.order_by("-id")
    return list(matches[: limit + 1])
