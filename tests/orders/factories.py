from decimal import Decimal

import factory
from django.utils import timezone

from orders.lifecycle import OrderKind, PaymentTerms
from orders.models import Order, Payment, Quote, Workflow
from tests.factories import CustomerFactory


class WorkflowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workflow

    name = factory.Sequence(lambda n: f"Workflow {n}")
    kind = OrderKind.PRODUCT

    class Params:
        retail = factory.Trait(
            uses_quote=False, uses_contract=False, uses_service=False, customer_kind="person"
        )


class OrderFactory(factory.django.DjangoModelFactory):
    """An order put straight into a state for tests; real orders come from `order_create`."""

    class Meta:
        model = Order

    number = factory.Sequence(lambda n: f"T-{n:06d}")
    kind = OrderKind.PRODUCT
    customer = factory.SubFactory(CustomerFactory)
    channel = Order.Channel.MANAGER
    payment_terms = PaymentTerms.PREPAY
    total = Decimal("1000.00")
    subtotal = Decimal("1000.00")


class QuoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quote

    order = factory.SubFactory(OrderFactory)
    version = factory.Sequence(lambda n: n + 1)
    total = Decimal("1000.00")


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    order = factory.SubFactory(OrderFactory)
    amount = Decimal("1000.00")
    paid_at = factory.LazyFunction(timezone.now)
