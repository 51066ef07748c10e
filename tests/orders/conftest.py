from decimal import Decimal

import pytest
from django.utils import timezone, translation

from accounts.roles import Role
from orders.lifecycle import DeliveryStatus, OrderKind, PaymentTerms, State
from tests.factories import ContactFactory, UserFactory
from tests.orders.factories import OrderFactory, PaymentFactory, QuoteFactory, WorkflowFactory


@pytest.fixture
def users(db):
    """One user per role; the client is a contact of `own_customer`'s company."""
    contact = ContactFactory()
    people = {role: UserFactory(role=role) for role in Role if role != Role.CLIENT}
    people[Role.CLIENT] = contact.user
    people["own_customer"] = contact.customer
    return people


@pytest.fixture
def ready_order(db):
    """An order in any state with every condition of its outgoing transitions met."""

    def make(
        state,
        *,
        customer,
        kind=OrderKind.PRODUCT,
        payment_terms=PaymentTerms.PREPAY,
        uses_delivery=True,
    ):
        # Every stage used, and every stage's proof present: accepted quote, signature, money.
        workflow = WorkflowFactory(
            kind=kind,
            uses_quote=True,
            uses_contract=True,
            uses_service=True,
            uses_delivery=uses_delivery,
        )
        order = OrderFactory(
            state=state,
            kind=kind,
            customer=customer,
            workflow=workflow,
            payment_terms=payment_terms,
            delivery_status=DeliveryStatus.HANDED_TO_CLIENT,
            contract_signed_at=timezone.now(),
            total=Decimal("1000.00"),
        )
        QuoteFactory(order=order, version=1, status="accepted")
        PaymentFactory(order=order, amount=Decimal("1000.00"))
        return order

    return make


@pytest.fixture
def blank_order(db):
    def make(state=State.REQUEST, **kwargs):
        return OrderFactory(state=state, **kwargs)

    return make


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in their English source; the product speaks Russian by default."""
    with translation.override("en"):
        yield
