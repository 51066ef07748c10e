"""Throughput of the order services against a plain INSERT baseline, measured in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench \
        .venv/bin/python bench/order_services.py

Creates the database if it is missing (PostgreSQL), migrates it, seeds a customer and
items, then times: a bare single-row INSERT (baseline), `order_create` with two lines,
`order_transition` (row lock + event + outbox), each sequentially and from 4 threads.
"""

import os
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")

import django


def _ensure_postgres_database():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def _timed(label, count, work, threads=1):
    latencies = []
    lock = threading.Lock()
    per_thread = count // threads

    def run(offset):
        from django.db import connections

        local = []
        for index in range(offset, offset + per_thread):
            started = time.perf_counter()
            work(index)
            local.append(time.perf_counter() - started)
        with lock:
            latencies.extend(local)
        connections.close_all()

    started = time.perf_counter()
    workers = [threading.Thread(target=run, args=(i * per_thread,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    print(
        f"{label:<44} {len(latencies) / elapsed:8.1f} ops/s   "
        f"p50 {statistics.median(latencies) * 1000:6.2f} ms   p95 {p95 * 1000:6.2f} ms"
    )


def main():
    _ensure_postgres_database()
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)

    from catalog.models import Item
    from customers.models import Customer
    from notifications.models import OutboxMessage
    from orders.models import Order
    from orders.services import LineInput, order_create, order_transition

    count = int(os.environ.get("BENCH_COUNT", "400"))
    run_id = str(time.time_ns())
    customer, _ = Customer.objects.get_or_create(external_id="BENCH-C", defaults={"name": "Bench"})
    items = [
        Item.objects.get_or_create(sku=f"BENCH-{n}", defaults={"name": f"Bench {n}", "price": 100})[
            0
        ]
        for n in range(2)
    ]
    print(
        f"database: {connection.vendor}, {count} operations per row, Django {django.get_version()}"
    )

    def insert(index):
        OutboxMessage.objects.create(
            topic="bench",
            aggregate_type="bench",
            aggregate_id=index,
            dedupe_key=f"{run_id}-{time.perf_counter_ns()}-{threading.get_ident()}",
        )

    def create(index):
        order_create(
            customer=customer,
            kind="product",
            channel="api",
            by=None,
            lines=[LineInput(item=items[0], quantity=1), LineInput(item=items[1], quantity=2)],
        )

    _timed("baseline: one INSERT", count, insert)
    _timed("baseline: one INSERT, 4 threads", count, insert, threads=4)
    _timed("order_create (2 lines, event, outbox)", count, create)
    _timed("order_create, 4 threads", count, create, threads=4)
    fresh = list(Order.objects.filter(state="request", customer=customer).order_by("-id")[:count])

    def move(index):
        order_transition(order=fresh[index], transition="cancel", by=None, reason="bench")

    _timed("order_transition (lock, event, outbox)", count // 2, move)
    rest = fresh[count // 2 :]

    def move_rest(index):
        order_transition(order=rest[index], transition="cancel", by=None, reason="bench")

    _timed("order_transition, 4 threads", len(rest), move_rest, threads=4)


if __name__ == "__main__":
    main()
