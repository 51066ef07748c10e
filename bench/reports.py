"""Manager reports against history size: 10,000 vs 100,000 orders over two years, each
report over the default 90-day period (an eighth of the orders).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench \\
        .venv/bin/python bench/reports.py

Seeds orders and their stage events with bulk inserts (bench data, not through the
services): every order goes request → payment → production, most on to delivery and
closed, some are cancelled. Times each report (median of 10), all tables as the reports
page reads them, and, as the baseline, a plain count of the period's orders; prints the
plans of the two event queries.
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

REPEATS = 10
SPAN_DAYS = 730
PATH = [("created", "", "request"), ("pay", "request", "payment")]
PATH += [("start_production", "payment", "production"), ("ship", "production", "delivery")]
PATH += [("close", "delivery", "closed")]


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


def _seed(total, customer, manager):
    from orders.models import Order, OrderEvent

    # Seeded history has its own times: auto_now_add would stamp every row with now.
    for model in (Order, OrderEvent):
        model._meta.get_field("created_at").auto_now_add = False
    Order.objects.filter(number__startswith="BENCH-").delete()
    now = timezone.now()
    for start in range(0, total, 5000):
        orders, plans = [], []
        for index in range(start, min(start + 5000, total)):
            created = now - timedelta(minutes=index * SPAN_DAYS * 24 * 60 // total)
            steps = PATH if index % 10 else [*PATH[:2], ("cancel", "payment", "cancelled")]
            state = steps[-1][2] if created < now - timedelta(days=5) else "request"
            steps = steps if state != "request" else steps[:1]
            orders.append(
                Order(
                    state=state,
                    number=f"BENCH-{index:07d}",
                    kind="product",
                    customer=customer,
                    manager=manager,
                    channel="api",
                    total=1000 + index % 5000,
                    cancel_reason="Дорого" if state == "cancelled" else "",
                    created_at=created,
                    state_changed_at=created,
                )
            )
            plans.append((created, steps))
        Order.objects.bulk_create(orders)
        events = []
        for order, (created, steps) in zip(orders, plans, strict=True):
            for position, (action, from_state, to_state) in enumerate(steps):
                events.append(
                    OrderEvent(
                        order=order,
                        action=action,
                        from_state=from_state,
                        to_state=to_state,
                        created_at=created + timedelta(hours=7 * position),
                    )
                )
        OrderEvent.objects.bulk_create(events)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE orders_order")
        cursor.execute("ANALYZE orders_orderevent")


def _median_ms(action) -> float:
    timings = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


def _measure(total, customer, director):
    from orders import reports
    from orders.models import Order

    _seed(total, customer, director)
    period = reports.ReportPeriod.default()
    # Other benches leave their orders in this database too: the reports count them all.
    in_period = Order.objects.exclude(kind="support").filter(
        created_at__gte=period.start, created_at__lt=period.end
    )
    funnel = reports.report_funnel(user=director, period=period)
    assert funnel, "no orders in the period"
    assert funnel[0].reached == in_period.count(), (funnel, in_period.count())
    timings = {"baseline count": _median_ms(in_period.count)}
    for name in (
        "report_funnel",
        "report_stage_times",
        "report_lost_by_reason",
        "report_revenue_by_month",
        "report_revenue_by_manager",
    ):
        report = getattr(reports, name)
        timings[name] = _median_ms(lambda report=report: report(user=director, period=period))
    from portals.manager.report_tables import TABLES, fetch_tables

    timings["all tables (the page)"] = _median_ms(
        lambda: fetch_tables(TABLES, user=director, period=period)
    )
    closings = reports._closings(user=director, period=period).explain(analyze=True)
    orders = reports._sales_orders(user=director, period=period).order_by().values("pk")
    changes = str(Order.objects.filter(pk__in=orders).explain(analyze=True))
    return timings, closings, changes


def main():
    _ensure_postgres_database()
    django.setup()
    global connection, timezone
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from accounts.models import User
    from customers.models import Customer

    customer, _ = Customer.objects.get_or_create(external_id="BENCH-C", defaults={"name": "Bench"})
    director = User.objects.filter(username="bench-director").first()
    if director is None:
        from django.contrib.auth.models import Group

        director = User.objects.create_user("bench-director", password="bench-pass-12345")
        director.groups.add(Group.objects.get(name="director"))
        director = User.objects.get(pk=director.pk)
    results = {}
    for total in (10_000, 100_000):
        results[total], closings, changes = _measure(total, customer, director)
        print(
            f"{total:>7} orders: " + "; ".join(f"{k} {v:.1f} ms" for k, v in results[total].items())
        )
        print("  closings: " + closings.replace("\n", "\n  "))
        print("  period orders: " + changes.replace("\n", "\n  "))
    for key in results[10_000]:
        print(f"100k / 10k {key}: x{results[100_000][key] / results[10_000][key]:.1f}")
    from orders.models import Order

    Order.objects.filter(number__startswith="BENCH-").delete()


if __name__ == "__main__":
    main()
