"""The manager's reports page at 10,000 and 1,000,000 orders, over the default 90 days.

    .venv/bin/python bench/reports.py
    BENCH_ORDERS=10000 BENCH_KEEP=1 .venv/bin/python bench/reports.py   # one size, kept

For each size creates the database `bench_perfrep_<size>` (dropped first if left over,
dropped again at the end unless BENCH_KEEP=1; BENCH_REUSE=1 measures a kept one again),
migrates it and seeds, with `INSERT ... SELECT generate_series` (bench data, not through
the services), orders spread over two years (one in twenty a support ticket) and their
events: created, sent for payment, a payment recorded (no change of state), production,
shipped, closed; one sale in ten is cancelled at the payment stage instead, and orders of
the last days have not got that far. Stays vary per order, so the percentiles are not flat.
Then VACUUM ANALYZE, as autovacuum would leave a table this size.

Times, median of several runs after a warm-up:
- the old reports (orders/reports.py at BENCH_BASELINE_REV, read with `git show`): every
  state change of the period's orders read into Python, as the page did;
- the new ones computed in SQL, with the cache cleared before each run (cold);
- the same through the cache (a reload), and the whole page (`/manager/reports/`) both ways;
checks the old and new figures agree, counts the statements, and prints EXPLAIN ANALYZE of
the stage-times and funnel queries. Writes bench/results/reports-<date>.json.
"""

import json
import os
import statistics
import subprocess
import sys
import time
import types
from dataclasses import astuple
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
os.environ.setdefault("DEBUG", "1")

import django
import psycopg

ROOT = Path(__file__).resolve().parents[1]

SERVER = os.environ.get("BENCH_REPORTS_SERVER", "postgres://postgres@127.0.0.1:5432")
SIZES = [int(size) for size in os.environ.get("BENCH_ORDERS", "10000,1000000").split(",")]
BASELINE_REV = os.environ.get("BENCH_BASELINE_REV", "e197f2a25d8f8fc785dc55b5b8cff0132f04a27e")
SPAN_DAYS = 730
MANAGERS = 20
TARGET_MS = 300
RESULTS = Path(__file__).resolve().parent / "results"


# Another prefix keeps two runs (or two worktrees) off each other's databases.
DATABASE_PREFIX = os.environ.get("BENCH_DATABASE_PREFIX", "bench_perfrep")


def _database(size) -> str:
    return f"{DATABASE_PREFIX}_{size}"


def _admin(sql):
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        cursor = connection.execute(sql)
        return cursor.fetchall() if sql.startswith("SELECT") else None


def _use(name):
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = name


def _seed(cursor, size):
    from django.contrib.auth.models import Group

    from accounts.models import User
    from customers.models import Customer

    customer = Customer.objects.create(name="Bench", external_id="BENCH-C")
    managers = User.objects.bulk_create(
        User(username=f"bench-manager-{k}", first_name="Менеджер", last_name=str(k))
        for k in range(MANAGERS)
    )
    director = User.objects.create_user("bench-director", password="bench-pass-12345")
    director.groups.add(Group.objects.get(name="director"))
    step_seconds = SPAN_DAYS * 86400 / size
    # One row per order: its creation and how long each of its stays lasts.
    cursor.execute(
        """
        CREATE TEMPORARY TABLE bench_plan AS
        SELECT i, now() - (%(size)s - i) * %(step)s * interval '1 second' AS created,
            (1 + (i * 7) %% 48) * interval '1 hour' AS request,
            ((i * 13) %% 72) * interval '1 hour' + interval '30 minutes' AS payment,
            (24 + i %% 96) * interval '1 hour' AS production,
            (6 + (i * 11) %% 60) * interval '1 hour' AS delivery,
            i %% 10 = 0 AS cancelled, i %% 20 = 0 AS support
        FROM generate_series(1, %(size)s) AS i
        """,
        {"size": size, "step": step_seconds},
    )
    cursor.execute(
        """
        CREATE TEMPORARY TABLE bench_steps AS
        SELECT i, n, created + at AS at, action, from_state, to_state
        FROM bench_plan, LATERAL (VALUES
            (1, interval '0', 'create', '', CASE WHEN support THEN 'new' ELSE 'request' END),
            (2, request, 'request_payment', 'request', 'payment'),
            (3, request + payment / 2, 'payment_recorded', 'payment', 'payment'),
            (4, request + payment, CASE WHEN cancelled THEN 'cancel' ELSE 'start_production' END,
                'payment', CASE WHEN cancelled THEN 'cancelled' ELSE 'production' END),
            (5, request + payment + production, 'ship', 'production', 'delivery'),
            (6, request + payment + production + delivery, 'close', 'delivery', 'closed')
        ) AS step(n, at, action, from_state, to_state)
        WHERE created + at <= now() AND (n = 1 OR NOT support) AND (n <= 4 OR NOT cancelled)
        """
    )
    cursor.execute(
        """
        INSERT INTO orders_order (id, state, number, kind, channel, payment_terms, currency,
            priority, subtotal, discount_total, total, vat_total, external_id, comment,
            service_place, delivery_status, carrier, tracking_number, cancel_reason, version,
            state_changed_at, created_at, updated_at, customer_id, contact_id, sla_level,
            prepayment_percent, delivery_cost, service_cost, subject, delivery_address,
            delivery_method, manager_id)
        SELECT p.i, last.to_state, 'B-' || lpad(p.i::text, 7, '0'),
            CASE WHEN support THEN 'support' ELSE 'product' END,
            'api', 'prepay', 'RUB', 'normal', 1000 + p.i %% 5000, 0, 1000 + p.i %% 5000, 0,
            '', '', '', '', '', '',
            CASE WHEN last.to_state = 'cancelled'
                THEN (ARRAY['Дорого', 'Передумал', 'Нашли дешевле'])[1 + p.i %% 3] ELSE '' END,
            1, last.at, created, last.at, %(customer)s, NULL, 0, 100, 0, 0, '', '', '',
            (%(managers)s::bigint[])[1 + p.i %% %(count)s]
        FROM bench_plan AS p
        JOIN (SELECT DISTINCT ON (i) i, to_state, at FROM bench_steps
              WHERE from_state <> to_state ORDER BY i, n DESC) AS last ON last.i = p.i
        """,
        {
            "customer": customer.pk,
            "managers": [manager.pk for manager in managers],
            "count": MANAGERS,
        },
    )
    cursor.execute(
        """
        INSERT INTO orders_orderevent (id, order_id, created_at, action, from_state, to_state,
            note, payload, feed_position)
        SELECT i * 8 + n, i, at, action, from_state, to_state, '', '{}', i * 8 + n
        FROM bench_steps ORDER BY i, n
        """
    )
    # The stays are derived from the events, as migration 0028 derived them from the history.
    from django.db import connection

    from orders.closings import closings_backfill
    from orders.models import Order, OrderEvent, StageStay
    from orders.stage_stays import stays_backfill

    stays_backfill(event_model=OrderEvent, stay_model=StageStay, connection=connection)
    closings_backfill(order_model=Order, event_model=OrderEvent, connection=connection)
    for table in ("orders_order", "orders_orderevent", "orders_stagestay"):
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
        )
    cursor.execute("DROP TABLE bench_plan, bench_steps")
    return User.objects.get(pk=director.pk)


def _prepare(size):
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import User

    name = _database(size)
    exists = _admin(f"SELECT 1 FROM pg_database WHERE datname = '{name}'")
    if os.environ.get("BENCH_REUSE") == "1" and exists:
        _use(name)
        # Migrations added since it was seeded (an index) are built on the seeded table.
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"{size:,} orders: migrated in {time.perf_counter() - started:.1f} s", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE orders_stagestay")
        return User.objects.get(username="bench-director"), None
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{name}"')
    _use(name)
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        director = _seed(cursor, size)
        cursor.execute("VACUUM ANALYZE orders_order")
        cursor.execute("VACUUM ANALYZE orders_orderevent")
        cursor.execute("VACUUM ANALYZE orders_stagestay")
    return director, time.perf_counter() - started


def _baseline_module():
    """orders/reports.py as it was before the reports moved into SQL."""
    source = subprocess.run(
        ["git", "show", f"{BASELINE_REV}:orders/reports.py"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    module = types.ModuleType("orders_reports_baseline")
    exec(compile(source, "orders_reports_baseline.py", "exec"), module.__dict__)
    return module


def _old_tables(old, user, period):
    """What the old page read: the state changes once, then each table."""
    changes = old.report_stage_changes(user=user, period=period)
    return [
        old.report_funnel(user=user, period=period, changes=changes),
        old.report_stage_times(user=user, period=period, changes=changes),
        old.report_lost_by_reason(user=user, period=period),
        old.report_revenue_by_month(user=user, period=period),
        old.report_revenue_by_manager(user=user, period=period),
    ]


def _new_tables(user, period):
    from portals.manager.report_tables import TABLES, fetch_tables

    return [rows for _table, rows in fetch_tables(TABLES, user=user, period=period)]


def _cold(action):
    from django.core.cache import cache

    def run():
        cache.clear()
        return action()

    return run


def _timings_ms(action, repeats) -> dict:
    action()
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        runs.append((time.perf_counter() - started) * 1000)
    runs.sort()
    return {
        "median_ms": round(statistics.median(runs), 1),
        "min_ms": round(runs[0], 1),
        "max_ms": round(runs[-1], 1),
        "runs": repeats,
    }


def _statements(action) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured.captured_queries)


def _plans(user, period) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from orders import reports

    plans = {}
    for name, report in (
        ("stage times", reports.report_stage_times),
        ("funnel", reports.report_funnel),
        ("revenue by month", reports.report_revenue_by_month),
    ):
        with CaptureQueriesContext(connection) as captured:
            report(user=user, period=period)
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + captured.captured_queries[-1]["sql"])
            plans[name] = "\n".join(row[0] for row in cursor.fetchall())
    return plans


def _figures(tables) -> list:
    return [[astuple(row) for row in rows] for rows in tables]


def _page(user):
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    url = reverse("portals_manager:reports")

    def get():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response

    return get


def _measure(size, user) -> dict:
    from django.db import connection

    from orders.reports import ReportPeriod

    period = ReportPeriod.default()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM orders_order WHERE kind <> 'support' "
            "AND created_at >= %s AND created_at < %s",
            [period.start, period.end],
        )
        in_period = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM orders_orderevent")
        events = cursor.fetchone()[0]
    old = _baseline_module()
    old_figures = _figures(_old_tables(old, user, period))
    new_figures = _figures(_cold(lambda: _new_tables(user, period))())
    assert old_figures == new_figures, "the new reports disagree with the old ones"
    assert old_figures[0][0][1] == in_period, (old_figures[0][0], in_period)
    repeats = 5 if size >= 1_000_000 else 10
    page = _page(user)
    return {
        "orders": size,
        "events": events,
        "sales_orders_in_period": in_period,
        "old tables": _timings_ms(lambda: _old_tables(old, user, period), repeats),
        "new tables, cold": _timings_ms(_cold(lambda: _new_tables(user, period)), repeats),
        "new tables, cached": _timings_ms(lambda: _new_tables(user, period), 20),
        "page, cold": _timings_ms(_cold(page), repeats),
        "page, cached": _timings_ms(page, 20),
        "statements": {
            "old tables": _statements(lambda: _old_tables(old, user, period)),
            "new tables, cold": _statements(_cold(lambda: _new_tables(user, period))),
            "new tables, cached": _statements(lambda: _new_tables(user, period)),
        },
        "plans": _plans(user, period),
    }


def main():
    # Django connects lazily: each size's database is created before its first query.
    os.environ["DATABASE_URL"] = f"{SERVER}/{_database(SIZES[0])}"
    django.setup()
    from django.db import connections

    results = {}
    for size in SIZES:
        user, seed_seconds = _prepare(size)
        if seed_seconds is not None:
            print(f"{size:,} orders seeded in {seed_seconds:.0f} s", flush=True)
        results[size] = _measure(size, user)
        results[size]["seed_seconds"] = seed_seconds and round(seed_seconds, 1)
        print(json.dumps({k: v for k, v in results[size].items() if k != "plans"}, indent=1))
        if os.environ.get("BENCH_KEEP") != "1":
            connections.close_all()
            _admin(f'DROP DATABASE IF EXISTS "{_database(size)}" WITH (FORCE)')

    keys = ("old tables", "new tables, cold", "new tables, cached", "page, cold", "page, cached")
    print("\n| orders | events | sales orders in 90 days | " + " | ".join(keys) + " |")
    print("|---:|---:|---:|" + "---:|" * len(keys))
    for size, row in results.items():
        cells = " | ".join(f"{row[key]['median_ms']}" for key in keys)
        print(f"| {size:,} | {row['events']:,} | {row['sales_orders_in_period']:,} | {cells} |")
    if len(results) > 1:
        small, large = results[min(results)], results[max(results)]
        for key in keys:
            ratio = large[key]["median_ms"] / small[key]["median_ms"]
            print(f"{key}: large / small x{ratio:.2f}")
        for key in ("new tables, cold", "page, cached"):
            met = large[key]["median_ms"] < TARGET_MS
            print(f"target under {TARGET_MS} ms at {max(results):,}, {key}: {met}")
    for size, row in results.items():
        for name, plan in row["plans"].items():
            print(f"\n{size:,} orders, {name}:\n  " + plan.replace("\n", "\n  "))

    RESULTS.mkdir(exist_ok=True)
    today = datetime.now(tz=UTC).date().isoformat()
    output = RESULTS / f"reports-{today}.json"
    output.write_text(
        json.dumps({"date": today, "results": results}, ensure_ascii=False, indent=2) + "\n"
    )
    print(f"\nwritten {output}")


if __name__ == "__main__":
    main()
