"""Reminder sweep cost against table size: 1,000 vs 100,000 orders, 100 due in each.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench \\
        .venv/bin/python bench/reminder_sweep.py

Seeds orders with bulk inserts (bench data, not through the services), then times the
due-scan query (median of 30) and a whole sweep (escalating the 100 due orders, rolled
back so it can be repeated), and prints the scan's EXPLAIN ANALYZE.
"""

import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")

import django

DUE = 100


def _ensure_postgres_database():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Run this on PostgreSQL: set DATABASE_URL")
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        if not connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def _seed(total, workflow, customer):
    from orders.models import Order

    Order.objects.filter(number__startswith="BENCH-").delete()
    now = timezone.now()
    rows = []
    for index in range(total):
        due = index < DUE
        rows.append(
            Order(
                state="request",
                number=f"BENCH-{index:07d}",
                kind="product",
                customer=customer,
                workflow=workflow,
                channel="api",
                state_changed_at=now - timedelta(hours=5 if due else 1),
                sla_due_at=now - timedelta(hours=1)
                if due
                else now + timedelta(hours=3 + index % 500),
            )
        )
        if len(rows) == 5000:
            Order.objects.bulk_create(rows)
            rows = []
    Order.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE orders_order")


def _measure(total, workflow, customer):
    from orders.services import reminders_sweep, sla_due_order_ids

    _seed(total, workflow, customer)
    now = timezone.now()
    scans = []
    for _ in range(30):
        started = time.perf_counter()
        ids = sla_due_order_ids(now)
        scans.append(time.perf_counter() - started)
    assert len(ids) == DUE, len(ids)
    sweeps = []
    for _ in range(3):
        started = time.perf_counter()
        with transaction.atomic():
            result = reminders_sweep(now)
            transaction.set_rollback(True)
        sweeps.append(time.perf_counter() - started)
    assert result["escalated"] == DUE, result
    from orders.models import Order

    query = Order.objects.filter(sla_due_at__lte=now).order_by("sla_due_at").values("pk")[:500]
    plan = query.explain(analyze=True)
    return statistics.median(scans), statistics.median(sweeps), plan


def main():
    _ensure_postgres_database()
    django.setup()
    global connection, timezone, transaction
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from customers.models import Customer
    from orders.models import Workflow

    customer, _ = Customer.objects.get_or_create(external_id="BENCH-C", defaults={"name": "Bench"})
    workflow, _ = Workflow.objects.get_or_create(
        name="Bench", kind="product", defaults={"stage_sla_hours": {"request": 4}}
    )
    results = {}
    for total in (1_000, 100_000):
        results[total] = _measure(total, workflow, customer)
        scan, sweep, plan = results[total]
        print(
            f"{total:>7} orders, {DUE} due: "
            f"scan {scan * 1000:.2f} ms, whole sweep {sweep * 1000:.1f} ms"
        )
        print("  " + plan.replace("\n", "\n  "))
    ratio_scan = results[100_000][0] / results[1_000][0]
    ratio_sweep = results[100_000][1] / results[1_000][1]
    print(f"100k / 1k: scan x{ratio_scan:.2f}, sweep x{ratio_sweep:.2f}")
    from orders.models import Order

    Order.objects.filter(number__startswith="BENCH-").delete()


if __name__ == "__main__":
    main()
