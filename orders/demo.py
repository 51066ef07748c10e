"""Demo orders at different stages, made through the services like real ones."""

from datetime import timedelta

from django.utils import timezone

from catalog.models import Item
from customers.models import Contact, Customer
from orders.lifecycle import DeliveryStatus
from orders.models import Invoice, Order
from orders.services import (
    LineInput,
    contract_mark_signed,
    delivery_update,
    invoice_issue,
    order_create,
    order_transition,
    payment_record,
    quote_accept,
    quote_send,
)

SOFA, TABLE, CHAIR = "DEMO-SOFA-KOMFORT", "DEMO-TABLE-DUB", "DEMO-CHAIR-VENA"
ASSEMBLY = "DEMO-SRV-ASSEMBLY"


def _fresh(order):
    return Order.objects.get(pk=order.pk)


def _to_quote_sent(order, manager):
    order = order_transition(order=order, transition="start_quote", by=manager)
    quote_send(
        quote=order.quotes.get(status="draft"),
        by=manager,
        valid_until=timezone.localdate() + timedelta(days=14),
    )
    return _fresh(order)


def _to_paid_production(order, manager, client_user):
    order = _to_quote_sent(order, manager)
    quote_accept(quote=order.quotes.get(status="sent"), by=client_user)
    order = order_transition(order=_fresh(order), transition="prepare_contract", by=manager)
    order = contract_mark_signed(order=order, by=manager)
    order = order_transition(order=order, transition="request_payment", by=manager)
    # Paid in full on prepaid terms: the order goes on to production by itself.
    payment_record(order=order, amount=order.total, reference=f"{order.number}-PP", by=manager)
    return _fresh(order)


def seed_orders(staff) -> int:
    """Returns how many demo orders were created now (0 when they all exist)."""
    manager = staff["manager1"]
    warehouse = staff["warehouse"]
    items = {item.sku: item for item in Item.objects.filter(sku__startswith="DEMO-")}
    romashka = Customer.objects.get(external_id="DEMO-C001")
    veter = Customer.objects.get(external_id="DEMO-C002")
    orlova = Customer.objects.get(external_id="DEMO-C003")
    romashka_client = Contact.objects.get(user__username="client1").user

    def sofa(fabric="Велюр", quantity=1):
        return LineInput(item=items[SOFA], quantity=quantity, custom_values={"fabric": fabric})

    def table(quantity=1):
        return LineInput(item=items[TABLE], quantity=quantity, custom_values={"finish": "Масло"})

    plans = [
        ("DEMO-O-001", romashka, "product", [sofa(), table()], "request"),
        (
            "DEMO-O-002",
            romashka,
            "product",
            [table(2), LineInput(item=items[CHAIR], quantity=8)],
            "quote",
        ),
        ("DEMO-O-003", veter, "product", [sofa("Экокожа", 3)], "production"),
        ("DEMO-O-004", veter, "product", [table(4)], "delivery"),
        ("DEMO-O-005", orlova, "product", [sofa("Рогожка")], "closed"),
        ("DEMO-O-006", romashka, "support", [], "ticket"),
        (
            "DEMO-O-007",
            romashka,
            "product",
            [table(), LineInput(item=items[CHAIR], quantity=4)],
            "payment",
        ),
    ]
    created = 0
    for external_id, customer, kind, lines, target in plans:
        if Order.objects.filter(external_id=external_id).exists():
            continue
        contact = customer.contacts.first()
        order = order_create(
            customer=customer,
            contact=contact,
            kind=kind,
            lines=lines,
            by=manager,
            channel=Order.Channel.MANAGER,
            external_id=external_id,
            comment="Не закрывается дверца шкафа" if kind == "support" else "",
            priority=Order.Priority.HIGH if kind == "support" else Order.Priority.NORMAL,
        )
        created += 1
        client_user = contact.user if contact else romashka_client
        if target == "quote":
            _to_quote_sent(order, manager)
        elif target in ("production", "delivery"):
            order = _to_paid_production(order, manager, client_user)
            if target == "delivery":
                order = order_transition(order=order, transition="ship", by=warehouse)
                delivery_update(
                    order=order,
                    by=warehouse,
                    carrier="СДЭК",
                    tracking_number="1234567890",
                    expected_date=timezone.localdate() + timedelta(days=3),
                    status=DeliveryStatus.IN_TRANSIT,
                )
        elif target == "closed":
            # A private person's retail order: no quote, no contract.
            order = order_transition(order=order, transition="request_payment", by=manager)
            payment_record(
                order=order,
                amount=order.total,
                reference=f"{order.number}-CARD",
                by=None,
                method="card",
            )
            order = order_transition(order=_fresh(order), transition="ship", by=warehouse)
            order = delivery_update(
                order=order, by=client_user, status=DeliveryStatus.HANDED_TO_CLIENT
            )
            order_transition(order=order, transition="close", by=manager, note="Клиент доволен")
        elif target == "payment":
            # Waiting for the client's prepayment: an invoice to download or to pay by card.
            order = _to_quote_sent(order, manager)
            quote_accept(quote=order.quotes.get(status="sent"), by=client_user)
            order = order_transition(order=_fresh(order), transition="prepare_contract", by=manager)
            order = contract_mark_signed(order=order, by=manager)
            order = order_transition(order=order, transition="request_payment", by=manager)
            invoice_issue(order=order, kind=Invoice.Kind.PREPAYMENT, by=manager)
        elif target == "ticket":
            order_transition(order=order, transition="take_ticket", by=manager)
    return created
