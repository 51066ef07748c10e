"""Half a kopeck rounds up on every path an order's money takes: its lines, the quote the
manager prices, the prepayment share. Half-even rounding would give the even kopeck below."""

from decimal import Decimal

import pytest

from accounts.roles import Role
from orders.lifecycle import OrderKind, State
from orders.models import Invoice, Order, Quote
from orders.services import (
    LineInput,
    QuotePricing,
    invoice_issue,
    order_create,
    order_transition,
    quote_price_draft,
)
from tests.catalog.factories import ItemFactory
from tests.factories import CustomerFactory
from tests.orders.factories import OrderFactory, WorkflowFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(make_staff):
    return make_staff(Role.MANAGER)


def _order(manager, lines):
    return order_create(
        customer=CustomerFactory(),
        kind=OrderKind.PRODUCT,
        channel=Order.Channel.MANAGER,
        by=manager,
        lines=lines,
    )


def test_a_lines_amount_and_discount_round_half_a_kopeck_up(manager):
    item = ItemFactory(price=Decimal("10.25"), vat_rate=0)

    order = _order(
        manager,
        [
            LineInput(item, 1, discount_percent="50"),  # 10.25 × 50% = 5.125
            LineInput(item, "0.5"),  # 0.5 × 10.25 = 5.125
        ],
    )

    assert list(order.lines.order_by("position").values_list("line_total", flat=True)) == [
        Decimal("5.13"),
        Decimal("5.13"),
    ]
    assert order.subtotal == Decimal("10.25") + Decimal("5.13")
    assert order.total == Decimal("10.26")


def test_the_vat_in_a_line_rounds_half_a_kopeck_up(manager):
    # 1.50 × 50% = 0.75, of which VAT 0.75 × 20 / 120 = 0.125.
    order = _order(
        manager,
        [LineInput(ItemFactory(price=Decimal("1.50"), vat_rate=20), 1, discount_percent="50")],
    )

    assert order.total == Decimal("0.75")
    assert order.vat_total == Decimal("0.13")


def test_a_priced_quote_rounds_the_delivery_cost_discounts_and_gross_half_up(manager):
    item = ItemFactory(price=Decimal("10.25"), vat_rate=0)
    order = _order(manager, [LineInput(item, 1), LineInput(item, "0.5")])
    order = order_transition(order=order, transition="start_quote", by=manager)
    draft = order.quotes.get(status=Quote.Status.DRAFT)
    first, _second = order.lines.order_by("position")

    quote = quote_price_draft(
        quote=draft,
        pricing=QuotePricing(
            discounts={first.pk: "50"},  # 10.25 × 50% = 5.125
            delivery_cost="0.125",
            service_cost="0.005",
        ),
        by=manager,
    )

    order.refresh_from_db()
    first.refresh_from_db()
    assert first.line_total == Decimal("5.13")
    assert (order.delivery_cost, order.service_cost) == (Decimal("0.13"), Decimal("0.01"))
    assert (quote.delivery_cost, quote.service_cost) == (Decimal("0.13"), Decimal("0.01"))
    # The second line's gross, 0.5 × 10.25 = 5.125, counts as 5.13 in the subtotal.
    assert order.subtotal == Decimal("10.25") + Decimal("5.13") + Decimal("0.14")
    assert order.total == Decimal("5.13") + Decimal("5.13") + Decimal("0.14")
    assert quote.total == order.total


def test_the_prepayment_share_rounds_half_a_kopeck_up(manager):
    workflow = WorkflowFactory(uses_quote=False, uses_contract=False)
    order = OrderFactory(
        state=State.PAYMENT,
        workflow=workflow,
        total=Decimal("10.25"),
        prepayment_percent=Decimal("50"),
    )

    invoice = invoice_issue(order=order, kind=Invoice.Kind.PREPAYMENT, by=manager)

    assert order.prepayment_due() == Decimal("5.13")
    assert invoice.amount == Decimal("5.13")


def test_an_invoice_for_a_given_amount_rounds_half_a_kopeck_up_on_every_database(manager):
    workflow = WorkflowFactory(uses_quote=False, uses_contract=False)
    order = OrderFactory(state=State.PAYMENT, workflow=workflow, total=Decimal("10.25"))

    invoice = invoice_issue(
        order=order, kind=Invoice.Kind.PREPAYMENT, by=manager, amount=Decimal("0.125")
    )

    invoice.refresh_from_db()
    assert invoice.amount == Decimal("0.13")
