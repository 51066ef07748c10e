"""The order lifecycle: states, transitions, who may take them and when.

This is the only code that changes `Order.state` (an FSMField with protected=True), and
only through the transition methods below. They change model fields only; the service
layer (`orders.services`) locks the order, calls them, saves, and writes the event
and the outbox rows.
"""

import functools

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMFieldMixin, transition

ACT_AS_CLIENT = "orders.act_as_client"
PROCESS_ORDER = "orders.process_order"
HANDLE_PRODUCTION = "orders.handle_production"
HANDLE_DELIVERY = "orders.handle_delivery"


class OrderKind(models.TextChoices):
    PRODUCT = "product", _("Product order")
    SERVICE = "service", _("Service order")
    SUPPORT = "support", _("Support request")


class State(models.TextChoices):
    REQUEST = "request", pgettext_lazy("order state", "Request (pre-order)")
    QUOTE = "quote", pgettext_lazy("order state", "Quote")
    CONTRACT = "contract", pgettext_lazy("order state", "Contract")
    PAYMENT = "payment", pgettext_lazy("order state", "Payment")
    PRODUCTION = "production", pgettext_lazy("order state", "Production / picking")
    DELIVERY = "delivery", pgettext_lazy("order state", "Delivery")
    CLOSED = "closed", pgettext_lazy("order state", "Closed")
    SERVICE = "service", pgettext_lazy("order state", "Service")
    CANCELLED = "cancelled", pgettext_lazy("order state", "Cancelled")
    # Support requests are tickets with a flow of their own.
    NEW = "new", pgettext_lazy("order state", "New")
    IN_PROGRESS = "in_progress", pgettext_lazy("order state", "In progress")
    WAITING_CLIENT = "waiting_client", pgettext_lazy("order state", "Waiting for client")
    RESOLVED = "resolved", pgettext_lazy("order state", "Resolved")


class DeliveryStatus(models.TextChoices):
    HANDED_TO_CARRIER = "handed_to_carrier", _("Handed to carrier")
    IN_TRANSIT = "in_transit", _("In transit")
    WITH_COURIER = "with_courier", _("With courier")
    AT_PICKUP_POINT = "at_pickup_point", _("At pickup point")
    HANDED_TO_CLIENT = "handed_to_client", _("Handed to client")


class PaymentTerms(models.TextChoices):
    PREPAY = "prepay", _("Prepayment")
    POSTPAY = "postpay", _("Payment after delivery")


SALES_OPEN_STATES = (
    State.REQUEST,
    State.QUOTE,
    State.CONTRACT,
    State.PAYMENT,
    State.PRODUCTION,
    State.DELIVERY,
)
TICKET_OPEN_STATES = (State.NEW, State.IN_PROGRESS, State.WAITING_CLIENT)
CLIENT_CANCELLABLE_STATES = (State.REQUEST, State.QUOTE, State.NEW)
FINAL_STATES = (State.CLOSED, State.CANCELLED)


def initial_state_for(kind: str) -> str:
    return State.NEW if kind == OrderKind.SUPPORT else State.REQUEST


def stage_path(
    kind: str,
    payment_terms: str,
    *,
    uses_quote: bool = True,
    uses_contract: bool = True,
    uses_delivery: bool = True,
    uses_service: bool = True,
) -> list[str]:
    """The stages a typical order goes through, in order: prepaid orders are paid before
    production, post-paid ones after delivery. Support tickets have a flow of their own."""
    if kind == OrderKind.SUPPORT:
        return [State.NEW, State.IN_PROGRESS, State.WAITING_CLIENT, State.RESOLVED, State.CLOSED]
    path = [State.REQUEST]
    if uses_quote:
        path.append(State.QUOTE)
    if uses_contract:
        path.append(State.CONTRACT)
    delivery = [State.DELIVERY] if uses_delivery else []
    if payment_terms == PaymentTerms.PREPAY:
        path += [State.PAYMENT, State.PRODUCTION, *delivery]
    else:
        path += [State.PRODUCTION, *delivery, State.PAYMENT]
    path.append(State.CLOSED)
    if uses_service:
        path.append(State.SERVICE)
    return path


def is_before_payment_stage(order) -> bool:
    """Whether the order has not yet reached the stage where payment is asked.

    Read on the full path of the order's own payment terms: a workflow's optional stages
    (quote, contract, delivery) never change the order of the others, and an order may be
    at a stage its workflow skips (amended back to `quote`). Support tickets, cancelled
    orders and orders past payment are not before it.
    """
    path = stage_path(order.kind, order.payment_terms)
    if State.PAYMENT not in path or order.state not in path:
        return False
    return path.index(order.state) < path.index(State.PAYMENT)


# Conditions: plain predicates on the order; `message` says why one failed.


def condition(message, *, configuration=False):
    """`configuration`: the predicate reads only the workflow and the state, not the
    order's facts (quotes, signatures, money), so a workflow can be checked without orders."""

    def decorate(predicate):
        predicate.message = message
        predicate.configuration = configuration
        return predicate

    return decorate


@condition(_("Support requests follow the ticket flow, not the order stages."), configuration=True)
def is_sales_order(order) -> bool:
    return order.kind != OrderKind.SUPPORT


@condition(_("Only support requests follow the ticket flow."), configuration=True)
def is_ticket(order) -> bool:
    return order.kind == OrderKind.SUPPORT


@condition(_("This order type skips the quote stage."), configuration=True)
def workflow_uses_quote(order) -> bool:
    return order.workflow is None or order.workflow.uses_quote


@condition(_("This order type has no contract stage."), configuration=True)
def workflow_uses_contract(order) -> bool:
    return order.workflow is None or order.workflow.uses_contract


@condition(_("This order type has no after-sales service stage."), configuration=True)
def workflow_uses_service(order) -> bool:
    return order.workflow is None or order.workflow.uses_service


@condition(_("This order type has no delivery stage."), configuration=True)
def workflow_uses_delivery(order) -> bool:
    return order.workflow is None or order.workflow.uses_delivery


@condition(_("The client has not accepted a quote yet."))
def quote_accepted_if_used(order) -> bool:
    needs_quote = order.state == State.QUOTE or workflow_uses_quote(order)
    if not needs_quote:
        return True
    if "quotes" in getattr(order, "_prefetched_objects_cache", {}):
        # An order page read them; the services ask the locked row's own query.
        return any(quote.status == "accepted" for quote in order.quotes.all())
    return order.quotes.filter(status="accepted").exists()


@condition(_("The contract is not signed yet."))
def contract_signed_if_used(order) -> bool:
    needs_contract = order.state == State.CONTRACT or (
        order.workflow is not None and order.workflow.uses_contract
    )
    return not needs_contract or order.contract_signed_at is not None


@condition(
    _(
        "Payment is not due now: prepaid orders are paid before production, "
        "post-paid orders after the client has received the delivery."
    ),
    configuration=True,
)
def payment_due_now(order) -> bool:
    if order.state == State.DELIVERY:
        return (
            order.payment_terms == PaymentTerms.POSTPAY
            and order.delivery_status == DeliveryStatus.HANDED_TO_CLIENT
        )
    return order.payment_terms == PaymentTerms.PREPAY


@condition(
    _(
        "No production before payment: the order is prepaid and the agreed prepayment "
        "is not paid yet."
    )
)
def paid_unless_postpaid(order) -> bool:
    if order.payment_terms == PaymentTerms.POSTPAY:
        return True
    return order.state == State.PAYMENT and order.is_prepaid_as_agreed()


@condition(_("The order is not fully paid yet."))
def fully_paid(order) -> bool:
    return order.is_fully_paid()


@condition(_("Closing needs the delivery handed to the client."))
def delivered_to_client(order) -> bool:
    if not workflow_uses_delivery(order):
        return True
    return order.delivery_status == DeliveryStatus.HANDED_TO_CLIENT


@condition(
    _("This order type has a delivery stage: it closes after delivery, not from production."),
    configuration=True,
)
def closes_after_delivery_if_used(order) -> bool:
    return order.state != State.PRODUCTION or not workflow_uses_delivery(order)


# Permissions: who may take a transition, checked per order.


def allowed(*permissions, client=False, client_states=None):
    """Staff holding any of `permissions`; with `client`, also the order's own client users."""

    def check(order, user) -> bool:
        if user is None:
            return True  # the system itself (scheduled tasks, data migrations)
        if any(user.has_perm(permission) for permission in permissions):
            return True
        if not client or not user.has_perm(ACT_AS_CLIENT):
            return False
        if client_states is not None and order.state not in client_states:
            return False
        return order.belongs_to_client_user(user)

    check.permissions = permissions
    check.client = client
    return check


STAFF = allowed(PROCESS_ORDER)
STAFF_OR_CLIENT = allowed(PROCESS_ORDER, client=True)
PRODUCTION_STAFF = allowed(PROCESS_ORDER, HANDLE_PRODUCTION)
CANCELLERS = allowed(PROCESS_ORDER, client=True, client_states=CLIENT_CANCELLABLE_STATES)


@functools.cache
def _state_fields(model) -> tuple:
    return tuple(field for field in model._meta.fields if isinstance(field, FSMFieldMixin))


class OrderLifecycle(ConcurrentTransitionMixin, models.Model):
    """The state machine; `Order` inherits it."""

    state = FSMField(
        _("state"), default=State.REQUEST, choices=State.choices, protected=True, db_index=True
    )

    class Meta:
        abstract = True

    @property
    def state_fields(self):
        # django-fsm filters all forty fields on every instance's creation to find this one;
        # fifty orders on a page paid more for that than for reading them.
        return _state_fields(type(self))

    # Sales stages

    @transition(
        field=state,
        source=State.REQUEST,
        target=State.QUOTE,
        conditions=[is_sales_order, workflow_uses_quote],
        permission=STAFF,
        custom={"label": _("Start quoting"), "admin": False},
    )
    def start_quote(self):
        pass

    @transition(
        field=state,
        source=[State.REQUEST, State.QUOTE],
        target=State.CONTRACT,
        conditions=[is_sales_order, workflow_uses_contract, quote_accepted_if_used],
        permission=STAFF,
        custom={"label": _("Prepare contract"), "admin": False},
    )
    def prepare_contract(self):
        pass

    @transition(
        field=state,
        source=[State.REQUEST, State.QUOTE, State.CONTRACT, State.DELIVERY],
        target=State.PAYMENT,
        conditions=[
            is_sales_order,
            quote_accepted_if_used,
            contract_signed_if_used,
            payment_due_now,
        ],
        permission=STAFF,
        custom={"label": _("Issue invoice for payment"), "admin": False},
    )
    def request_payment(self):
        pass

    @transition(
        field=state,
        source=[State.REQUEST, State.QUOTE, State.CONTRACT, State.PAYMENT],
        target=State.PRODUCTION,
        conditions=[
            is_sales_order,
            quote_accepted_if_used,
            contract_signed_if_used,
            paid_unless_postpaid,
        ],
        permission=PRODUCTION_STAFF,
        custom={"label": _("Start production"), "admin": False},
    )
    def start_production(self):
        pass

    @transition(
        field=state,
        source=State.PRODUCTION,
        target=State.DELIVERY,
        conditions=[is_sales_order, workflow_uses_delivery],
        permission=PRODUCTION_STAFF,
        custom={"label": _("Ship"), "admin": False},
    )
    def ship(self):
        self.delivery_status = DeliveryStatus.HANDED_TO_CARRIER

    @transition(
        field=state,
        source=[State.DELIVERY, State.PAYMENT, State.PRODUCTION],
        target=State.CLOSED,
        conditions=[is_sales_order, closes_after_delivery_if_used, delivered_to_client, fully_paid],
        permission=STAFF,
        custom={"label": _("Close order"), "admin": False},
    )
    def close(self):
        pass

    @transition(
        field=state,
        source=State.CLOSED,
        target=State.SERVICE,
        conditions=[is_sales_order, workflow_uses_service],
        permission=STAFF_OR_CLIENT,
        custom={"label": _("Schedule service"), "admin": False},
    )
    def schedule_service(self):
        pass

    @transition(
        field=state,
        source=State.SERVICE,
        target=State.CLOSED,
        conditions=[is_sales_order],
        permission=STAFF,
        custom={"label": _("Complete service"), "admin": False},
    )
    def complete_service(self):
        pass

    @transition(
        field=state,
        # Production too: more of the same ("увеличение объёма") is agreed while it is made.
        source=[State.QUOTE, State.CONTRACT, State.PAYMENT, State.PRODUCTION],
        target=State.QUOTE,
        conditions=[is_sales_order],
        permission=STAFF,
        custom={"label": _("Amend order"), "admin": False, "internal": True},
    )
    def amend(self):
        self.contract_signed_at = None

    @transition(
        field=state,
        source=[*SALES_OPEN_STATES, *TICKET_OPEN_STATES],
        target=State.CANCELLED,
        permission=CANCELLERS,
        custom={"label": _("Cancel"), "admin": False, "requires_reason": True},
    )
    def cancel(self, reason=""):
        self.cancel_reason = reason

    # Support tickets

    @transition(
        field=state,
        source=State.NEW,
        target=State.IN_PROGRESS,
        conditions=[is_ticket],
        permission=STAFF,
        custom={"label": _("Start work"), "admin": False},
    )
    def take_ticket(self):
        pass

    @transition(
        field=state,
        source=State.IN_PROGRESS,
        target=State.WAITING_CLIENT,
        conditions=[is_ticket],
        permission=STAFF,
        custom={"label": _("Ask the client"), "admin": False},
    )
    def ask_client(self):
        pass

    @transition(
        field=state,
        source=State.WAITING_CLIENT,
        target=State.IN_PROGRESS,
        conditions=[is_ticket],
        permission=STAFF_OR_CLIENT,
        custom={"label": _("Resume: the client replied"), "admin": False},
    )
    def client_replied(self):
        pass

    @transition(
        field=state,
        source=[State.IN_PROGRESS, State.WAITING_CLIENT],
        target=State.RESOLVED,
        conditions=[is_ticket],
        permission=STAFF,
        custom={"label": _("Resolve"), "admin": False},
    )
    def resolve(self):
        pass

    @transition(
        field=state,
        source=State.RESOLVED,
        target=State.CLOSED,
        conditions=[is_ticket],
        permission=STAFF_OR_CLIENT,
        custom={"label": _("Close ticket"), "admin": False},
    )
    def close_ticket(self):
        pass

    @transition(
        field=state,
        source=[State.RESOLVED, State.CLOSED],
        target=State.IN_PROGRESS,
        conditions=[is_ticket],
        permission=STAFF_OR_CLIENT,
        custom={"label": _("Reopen"), "admin": False},
    )
    def reopen(self):
        pass
