"""A quote sent can be revised into the next version; only the current one may be accepted."""

from decimal import Decimal

import pytest

from accounts.roles import Role
from orders.errors import OrderTransitionError
from orders.lifecycle import State
from orders.models import Order, OrderEvent, Quote
from orders.quote_changes import ADDED, CHANGED, REMOVED, SAME, quote_line_changes
from orders.services import (
    LineInput,
    QuotePricing,
    order_create,
    order_transition,
    quote_accept,
    quote_price_draft,
    quote_revise,
    quote_send,
)
from tests.catalog.factories import ItemFactory
from tests.factories import ContactFactory
from tests.orders.factories import WorkflowFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_quote_order(make_staff):
    """An order at `quote` whose version 1 (a 28,000 table) was sent to the client."""
    manager = make_staff(Role.MANAGER)
    contact = ContactFactory()
    WorkflowFactory(kind="product")
    order = order_create(
        customer=contact.customer,
        contact=contact,
        kind="product",
        channel="phone",
        by=manager,
        lines=[LineInput(item=ItemFactory(name="Стол", price=Decimal("28000.00")), quantity=1)],
    )
    order = order_transition(order=order, transition="start_quote", by=manager)
    quote_send(quote=order.quotes.get(), by=manager)
    return Order.objects.get(pk=order.pk), manager, contact.user


def test_revising_a_sent_quote_opens_the_next_version_and_supersedes_the_first(
    sent_quote_order,
):
    order, manager, _client = sent_quote_order

    draft = quote_revise(order=order, by=manager, note="Клиент просит скидку")

    versions = {quote.version: quote.status for quote in order.quotes.all()}
    assert versions == {1: Quote.Status.SUPERSEDED, 2: Quote.Status.DRAFT}
    assert draft.version == 2
    assert draft.lines == Quote.objects.get(order=order, version=1).lines
    event = OrderEvent.objects.get(order=order, action="quote_revised")
    assert event.payload == {"quote_version": 2, "previous_version": 1}
    assert event.note == "Клиент просит скидку"


def test_the_superseded_version_cannot_be_accepted_and_nothing_changes(sent_quote_order):
    order, manager, client = sent_quote_order
    quote_revise(order=order, by=manager)
    first = Quote.objects.get(order=order, version=1)
    events_before = OrderEvent.objects.filter(order=order).count()

    with pytest.raises(OrderTransitionError, match="Version 1 was replaced"):
        quote_accept(quote=first, by=client)

    first.refresh_from_db()
    assert first.status == Quote.Status.SUPERSEDED
    assert first.accepted_at is None
    assert OrderEvent.objects.filter(order=order).count() == events_before


def test_the_client_accepts_the_revised_version_once_it_is_sent(sent_quote_order):
    order, manager, client = sent_quote_order
    draft = quote_revise(order=order, by=manager)
    line = order.lines.get()
    quote_price_draft(
        quote=draft, pricing=QuotePricing(discounts={line.pk: Decimal("10")}), by=manager
    )
    quote_send(quote=Quote.objects.get(pk=draft.pk), by=manager)

    accepted = quote_accept(quote=Quote.objects.get(pk=draft.pk), by=client)

    assert accepted.status == Quote.Status.ACCEPTED
    assert accepted.total == Decimal("25200.00")
    assert Order.objects.get(pk=order.pk).total == Decimal("25200.00")


@pytest.mark.parametrize("situation", ["draft", "contract"])
def test_a_draft_or_an_order_past_quoting_is_not_revised(sent_quote_order, situation):
    order, manager, client = sent_quote_order
    if situation == "draft":
        quote_revise(order=order, by=manager)
    else:
        quote_accept(quote=order.quotes.get(), by=client)
        order_transition(order=order, transition="prepare_contract", by=manager)
    order = Order.objects.get(pk=order.pk)
    versions_before = list(order.quotes.values_list("version", "status"))

    with pytest.raises(OrderTransitionError):
        quote_revise(order=order, by=manager)

    assert list(order.quotes.values_list("version", "status")) == versions_before
    assert Order.objects.get(pk=order.pk).state in (State.QUOTE, State.CONTRACT)


def _line(name, quantity, price, item_id=None, options=None):
    return {
        "item_id": item_id,
        "name": name,
        "quantity": str(quantity),
        "unit_price": str(price),
        "discount_percent": "0",
        "line_total": str(Decimal(quantity) * Decimal(price)),
        "custom_values": options or {},
    }


def test_the_changes_between_versions_are_matched_by_what_the_line_is():
    previous = [
        _line("Диван", 1, "90000", item_id=1, options={"fabric": "велюр"}),
        _line("Стул", 4, "4000", item_id=2),
        _line("Доставка", 1, "3000"),
    ]
    current = [
        _line("Стул", 6, "4000", item_id=2),
        _line("Диван", 1, "90000", item_id=1, options={"fabric": "велюр"}),
        _line("Сборка", 1, "2500"),
    ]

    changes = {change.name: change for change in quote_line_changes(previous, current)}

    assert changes["Диван"].status == SAME
    assert changes["Стул"].status == CHANGED
    assert changes["Стул"].fields_changed == ["quantity", "line_total"]
    assert changes["Сборка"].status == ADDED
    assert changes["Доставка"].status == REMOVED
