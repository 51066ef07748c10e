"""`OrderAction` is the one list of what an `OrderEvent` may record: the services write
nothing else and leave no member unwritten, every transition has one, and the webhook and
notification topics, the timeline's labels and the API's enum are all read from it."""

import ast
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone, translation

from accounts.roles import Role
from api.webhook_topics import order_topics
from notifications.builtin_messages import CONDITIONAL_TOPIC_MESSAGES, TOPIC_MESSAGES
from notifications.topics import CONVERSATION_TOPIC_LABELS, topic_labels
from orders.actions import OrderAction
from orders.errors import OrderTransitionError
from orders.lifecycle import DeliveryStatus, OrderKind, State, is_ticket
from orders.models import Invoice, Order, OrderEvent, Quote
from orders.services import (
    LineInput,
    QuotePricing,
    contract_mark_signed,
    delivery_update,
    invoice_issue,
    order_assign_manager,
    order_create,
    order_details_update,
    order_payment_remind,
    order_service_remind,
    order_sla_escalate,
    order_transition,
    payment_record,
    payment_refund,
    quote_accept,
    quote_price_draft,
    quote_remind_awaiting,
    quote_revise,
    quote_send,
    recurring_order_create,
    recurring_order_run,
    recurring_order_stop,
    ticket_priority_set,
)
from orders.services.core import _record_event
from tests.catalog.factories import ItemFactory
from tests.factories import CustomerFactory, UserFactory
from tests.orders.factories import OrderFactory, WorkflowFactory

SERVICES = Path(__file__).resolve().parents[2] / "orders" / "services"
CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)


def _transitions():
    return Order._meta.get_field("state").get_all_transitions(Order)


def test_every_transition_has_an_action():
    names = {transition.name for transition in _transitions()}

    assert names - set(OrderAction.values) == set(), "add these transitions to OrderAction"


def _take_every_transition(ready_order) -> set[str]:
    """Each transition once, from the first of its sources whose default terms allow it."""
    customer = CustomerFactory()
    taken = set()
    for transition in _transitions():
        if transition.name in taken:
            continue
        kind = OrderKind.SUPPORT if is_ticket in transition.conditions else OrderKind.PRODUCT
        order = ready_order(transition.source, customer=customer, kind=kind)
        try:
            order_transition(order=order, transition=transition.name, by=None, reason="тест")
        except OrderTransitionError:
            continue  # a post-paid or delivery-less source; another source will do
        taken.add(transition.name)
    return taken


def _record_every_fact() -> None:
    """Each fact service once, on behalf of the system, along one order's way and beside it."""
    order = order_create(
        customer=CustomerFactory(),
        kind=OrderKind.PRODUCT,
        lines=[LineInput(item=ItemFactory(price=Decimal("1000.00")), quantity=1)],
        by=None,
        channel=Order.Channel.MANAGER,
    )
    order = order_transition(order=order, transition="start_quote", by=None)
    quote_send(quote=order.quotes.get(status=Quote.Status.DRAFT), by=None)
    quote = quote_revise(order=order, by=None)
    quote_price_draft(quote=quote, pricing=QuotePricing(), by=None)
    quote_send(quote=quote, by=None)
    assert quote_remind_awaiting(quote_id=quote.pk)
    quote_accept(quote=quote, by=None)
    order = order_transition(
        order=Order.objects.get(pk=order.pk), transition="prepare_contract", by=None
    )
    contract_mark_signed(order=order, by=None)
    order_assign_manager(order=order, manager=UserFactory(role=Role.MANAGER), by=None)
    order = order_transition(
        order=Order.objects.get(pk=order.pk), transition="request_payment", by=None
    )
    assert order_payment_remind(order_id=order.pk)
    invoice_issue(order=order, kind=Invoice.Kind.PREPAYMENT, by=None)
    payment = payment_record(order=order, amount=order.total, by=None)
    payment_refund(payment=payment, amount=Decimal("1.00"), reason="тест", by=None)
    schedule = recurring_order_create(order=order, period="monthly", by=None)
    recurring_order_stop(schedule=schedule, by=None)

    delivery_update(order=OrderFactory(state=State.DELIVERY), by=None, carrier="СДЭК")
    order_details_update(order=OrderFactory(), by=None, changes={"comment": "Позвонить заранее"})
    ticket = OrderFactory(kind=OrderKind.SUPPORT, state=State.IN_PROGRESS)
    ticket_priority_set(order=ticket, priority="urgent", by=None)
    assert order_service_remind(order_id=OrderFactory(state=State.SERVICE).pk)
    entered = timezone.now() - timedelta(hours=5)
    overdue = OrderFactory(
        workflow=WorkflowFactory(stage_sla_hours={"request": 4}),
        state=State.REQUEST,
        state_changed_at=entered,
        sla_due_at=entered + timedelta(hours=4),
    )
    assert order_sla_escalate(order_id=overdue.pk) == OrderAction.SLA_BREACH
    later = timezone.now() + timedelta(days=1)
    assert order_sla_escalate(order_id=overdue.pk, now=later) == OrderAction.SLA_ESCALATION
    # An order without lines cannot be repeated: the run fails and says so on the source.
    failing = recurring_order_create(
        order=OrderFactory(),
        period="monthly",
        by=None,
        first_run_at=timezone.now() - timedelta(minutes=1),
    )
    assert recurring_order_run(schedule_id=failing.pk) is None


@pytest.mark.django_db
def test_the_services_write_every_action_and_nothing_else(ready_order):
    taken = _take_every_transition(ready_order)
    _record_every_fact()

    written = set(OrderEvent.objects.values_list("action", flat=True))

    assert taken == {transition.name for transition in _transitions()}
    assert written - set(OrderAction.values) == set(), "add these actions to OrderAction"
    assert set(OrderAction.values) - written == set(), "no service writes these actions"


def _action_arguments(tree: ast.AST):
    """The `action=` of every call that writes an event: `_record_event` or `OrderEvent`."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = ast.unparse(node.func)
        if name == "_record_event" or name.startswith("OrderEvent"):
            yield from (keyword.value for keyword in node.keywords if keyword.arg == "action")


def test_the_services_name_actions_through_the_enumeration():
    """What no test runs is still held to it: no literal action, no member that is not one."""
    trees = {path.name: ast.parse(path.read_text()) for path in sorted(SERVICES.glob("*.py"))}
    literals = [
        f"{name}:{value.lineno}"
        for name, tree in trees.items()
        for value in _action_arguments(tree)
        if isinstance(value, ast.Constant)
    ]
    unknown = [
        f"{name}:{node.lineno} OrderAction.{node.attr}"
        for name, tree in trees.items()
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and ast.unparse(node.value) == "OrderAction"
        and not hasattr(OrderAction, node.attr)
    ]

    assert literals == [], "write OrderAction.X, not the string"
    assert unknown == []


@pytest.mark.django_db
def test_an_action_outside_the_enumeration_is_refused():
    order = OrderFactory()

    with pytest.raises(ValueError, match="eaten"):
        _record_event(order, action="eaten", by=None)

    assert not OrderEvent.objects.exists()


def test_webhook_and_notification_topics_are_the_enumerations():
    # The naming rule subscriptions were made with: it must not change under them.
    expected = {f"order.{action}" for action in OrderAction.values} | {
        f"order.delivery_status.{status}" for status in DeliveryStatus.values
    }
    order_rule_topics = set(topic_labels()) - set(CONVERSATION_TOPIC_LABELS)
    builtin = {
        topic
        for topic in [*TOPIC_MESSAGES, *CONDITIONAL_TOPIC_MESSAGES]
        if topic.startswith("order.")
    }

    assert set(order_topics()) == expected
    assert len(order_topics()) == len(expected)
    assert order_rule_topics == expected
    assert builtin <= expected | set(CONVERSATION_TOPIC_LABELS)


def test_every_action_has_its_own_russian_label():
    with translation.override("ru"):
        labels = {action: str(action.label) for action in OrderAction}

    untranslated = [action.value for action, label in labels.items() if not CYRILLIC.search(label)]
    assert untranslated == []
    assert all(label != action.value for action, label in labels.items())
    assert len(set(labels.values())) == len(labels), "two actions read the same on the timeline"
