"""Payments and documents against baselines measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench \
        .venv/bin/python bench/payments.py

Times: a bare INSERT (baseline) and `payment_record` (row lock, payment, ledger postings,
invoice settling, event, outbox, the move to production); a gateway notification
verified by reading the payment back from the local fake gateway (one HTTP round trip),
and the same notification replayed; rendering an invoice's HTML (baseline) and the PDF
made from it by WeasyPrint and stored.
"""

import json
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")

import django
from order_services import _ensure_postgres_database, _timed


def main():
    _ensure_postgres_database()
    from billing.gateway.fake import FakeGateway

    gateway = FakeGateway(shop_id="bench", secret_key="bench").start()
    os.environ["PAYMENT_GATEWAY_URL"] = gateway.api_url
    os.environ["PAYMENT_GATEWAY_SHOP_ID"] = "bench"
    os.environ["PAYMENT_GATEWAY_SECRET_KEY"] = "bench"
    os.environ.setdefault("PRIVATE_MEDIA_ROOT", "/tmp/crm-bench-private")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.template.loader import render_to_string

    call_command("migrate", verbosity=0)

    from billing.demo import seed_company
    from billing.documents.generate import _context, document_spec_find, render_pdf
    from billing.models import CompanyProfile, Document, OnlinePayment
    from billing.services import gateway_notification_receive, online_payment_start
    from catalog.models import Item
    from customers.models import Customer
    from notifications.models import OutboxMessage
    from orders.models import Invoice, Order
    from orders.services import LineInput, invoice_issue, order_create, payment_record

    count = int(os.environ.get("BENCH_COUNT", "200"))
    run_id = str(time.time_ns())
    seed_company()
    customer, _ = Customer.objects.get_or_create(
        external_id="BENCH-PAY", defaults={"name": "ООО «Бенчмарк»"}
    )
    item, _ = Item.objects.get_or_create(
        sku="BENCH-PAY-1", defaults={"name": "Стол", "price": Decimal("1000.00")}
    )
    staff, _ = get_user_model().objects.get_or_create(
        username="bench-staff", defaults={"is_superuser": True, "is_staff": True}
    )

    def order_at_payment():
        order = order_create(
            customer=customer,
            kind="product",
            channel="api",
            by=None,
            lines=[LineInput(item=item, quantity=2)],
        )
        Order.objects.filter(pk=order.pk).update(state="payment")
        return Order.objects.get(pk=order.pk)

    print(f"database: {connection.vendor}, {count} operations per row, seeding...")
    paid_orders = [order_at_payment() for _ in range(count)]
    card_orders = [order_at_payment() for _ in range(count)]
    attempts = [online_payment_start(order=order, by=staff) for order in card_orders]
    bodies = [
        json.dumps(
            {
                "type": "notification",
                "event": "payment.succeeded",
                "object": gateway.complete(attempt.provider_payment_id, notify=False),
            }
        ).encode()
        for attempt in attempts
    ]
    document_orders = paid_orders[: count // 4]
    invoices = [
        invoice_issue(order=order, kind=Invoice.Kind.FINAL, by=None, amount=Decimal("1"))
        for order in document_orders
    ]

    def insert(index):
        OutboxMessage.objects.create(
            topic="bench",
            aggregate_type="bench",
            aggregate_id=index,
            dedupe_key=f"{run_id}-{index}",
        )

    def pay(index):
        payment_record(order=paid_orders[index], amount="2000.00", reference=f"B-{index}", by=None)

    def notify(index):
        gateway_notification_receive(bodies[index], remote_addr="127.0.0.1")

    company = CompanyProfile.current()

    def html(index):
        order = document_orders[index]
        spec = document_spec_find(order, f"invoice-{invoices[index].pk}")
        render_to_string(
            "billing/documents/invoice.html", _context(order=order, spec=spec, company=company)
        )

    def pdf(index):
        order = document_orders[index]
        spec = document_spec_find(order, f"invoice-{invoices[index].pk}")
        render_pdf(
            "billing/documents/invoice.html", _context(order=order, spec=spec, company=company)
        )

    _timed("baseline: one INSERT", count, insert)
    _timed("payment_record (ledger, settle, advance)", count, pay)
    _timed("gateway notification, verified (HTTP GET)", count, notify)
    _timed("the same notification replayed", count, notify)
    _timed("baseline: invoice HTML", len(document_orders), html)
    _timed("invoice PDF (WeasyPrint)", len(document_orders), pdf)
    recorded = OnlinePayment.objects.filter(pk__in=[a.pk for a in attempts], status="succeeded")
    print(f"card payments recorded once each: {recorded.count()} of {count}")
    print(f"stored documents so far: {Document.objects.count()}")
    gateway.stop()


if __name__ == "__main__":
    main()
