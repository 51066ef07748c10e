"""The manager's search box at 1,000,000 orders: with the trigram indexes and without.

    .venv/bin/python bench/search.py            # or: make bench-search
    BENCH_SEARCH_URL=postgres://postgres@127.0.0.1:5432/bench_search BENCH_ORDERS=10000 ...

Creates the database `bench_search` (dropped first if left over, dropped again at the
end unless BENCH_KEEP=1), migrates it, rolls the trigram index migrations back, seeds
2,000 customers (two contacts each), 1,000,000 orders (one in twenty a support ticket
with a subject, the shipped ones with a tracking number), 3 lines per sales order and their
events with bench/seed.py (`INSERT ... SELECT generate_series`, not through the services),
ANALYZEs,
then migrates forward again: the index build at this size is timed too.

Times the page's three group queries (orders, customers, tickets: the selectors the
search page calls) for a customer-name fragment, an order number typed `000008`, an item
name fragment and a phone fragment, 20 runs each after two warm-up runs, median and p95;
then the same with the trigram indexes dropped inside a transaction that is rolled back
(the baseline, in the same run). Prints a markdown table and the plan of the orders
group's query for the name fragment, and writes bench/results/search-<date>.json.
"""

import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
os.environ.setdefault("DEBUG", "1")

import django
import psycopg

from bench import seed

URL = os.environ.get("BENCH_SEARCH_URL", "postgres://postgres@127.0.0.1:5432/bench_search")
ORDERS = int(os.environ.get("BENCH_ORDERS", "1000000"))
REPEATS = 20
TARGET_MS = 50
RESULTS = Path(__file__).resolve().parent / "results"
TRIGRAM_INDEXES = (
    "customer_search_trgm",
    "contact_name_trgm",
    "contact_email_trgm",
    "contact_phone_trgm",
    "order_line_name_trgm",
    "order_subject_trgm",
    "order_tracking_trgm",
)


def _admin_url() -> str:
    return URL.rsplit("/", 1)[0] + "/postgres"


def _database_name() -> str:
    return URL.rsplit("/", 1)[1]


def _recreate_database():
    with psycopg.connect(_admin_url(), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{_database_name()}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{_database_name()}"')


def _drop_database():
    from django.db import connections

    connections.close_all()
    with psycopg.connect(_admin_url(), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{_database_name()}" WITH (FORCE)')


def _count(cursor, table) -> int:
    cursor.execute(f"SELECT count(*) FROM {table}")
    return cursor.fetchone()[0]


def _timings_ms(action) -> dict:
    action()
    action()
    runs = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        action()
        runs.append((time.perf_counter() - started) * 1000)
    runs.sort()
    return {
        "median_ms": round(statistics.median(runs), 2),
        "p95_ms": round(runs[int(0.95 * (len(runs) - 1) + 0.5)], 2),
    }


def _page_queries(user, query):
    from customers.selectors import customer_search_results
    from orders.selectors import order_search_results

    orders = order_search_results(user=user, query=query)
    customers = customer_search_results(query=query)
    tickets = order_search_results(user=user, query=query, tickets=True)
    return orders, customers, tickets


def _sql_only(user, query):
    """The statements the page's selectors run, re-run as plain SQL: the database's share."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        _page_queries(user, query)
    statements = [query["sql"] for query in captured.captured_queries]

    def run():
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
                cursor.fetchall()

    return run


def _without_trigram_indexes(action):
    """Run `action` with the trigram indexes dropped, in a transaction rolled back after."""
    from django.db import connection, transaction

    class RollbackError(Exception):
        pass

    result = {}
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                for name in TRIGRAM_INDEXES:
                    cursor.execute(f'DROP INDEX "{name}"')
            result = action()
            raise RollbackError
    except RollbackError:
        pass
    return result


def _plan(user, query) -> str:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from orders.selectors import order_search_results

    with CaptureQueriesContext(connection) as captured:
        order_search_results(user=user, query=query)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + captured.captured_queries[-1]["sql"])
        return "\n".join(row[0] for row in cursor.fetchall())


def main():
    _recreate_database()
    os.environ["DATABASE_URL"] = URL
    django.setup()
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import User

    call_command("migrate", verbosity=0)
    # Seed without the trigram indexes (bulk loads into GIN indexes crawl), build them after.
    call_command("migrate", "customers", "0005", verbosity=0)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        seed.seed(cursor, orders=ORDERS, fast=True)
        cursor.execute("ANALYZE")
        sizes = {
            table: _count(cursor, table)
            for table in (
                "customers_customer",
                "customers_contact",
                "orders_order",
                "orders_orderline",
            )
        }
        cursor.execute("SELECT phone FROM customers_customer WHERE id = 777")
        phone = cursor.fetchone()[0]
    seed_seconds = time.perf_counter() - started
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    index_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"seeded {sizes} in {seed_seconds:.0f} s; trigram indexes built in {index_seconds:.0f} s")

    user = User.objects.create_user("bench-manager", password="bench-pass-12345")
    user.groups.add(Group.objects.get(name="manager"))
    user = User.objects.get(pk=user.pk)
    digits = phone[5:11]
    cases = [
        ("customer-name fragment", "ромаш"),
        ("order number, 000008", "000008"),
        ("item name fragment", "анкер м12"),
        ("phone fragment", f"{digits[:3]}-{digits[3:]}"),
    ]
    rows = []
    for label, query in cases:
        found = [len(group) for group in _page_queries(user, query)]
        with_indexes = _timings_ms(lambda query=query: _page_queries(user, query))
        sql_only = _timings_ms(_sql_only(user, query))
        without = _without_trigram_indexes(
            lambda query=query: _timings_ms(lambda: _page_queries(user, query))
        )
        rows.append(
            {
                "case": label,
                "query": query,
                "found (orders, customers, tickets; 11 = more)": found,
                "with_trigram_indexes": with_indexes,
                "with_trigram_indexes_sql_only": sql_only,
                "without_trigram_indexes": without,
            }
        )
    plan = _plan(user, "ромаш")

    print()
    print(f"Search page queries (3 groups), {sizes['orders_order']:,} orders, {REPEATS} runs")
    print()
    print(
        "| case | query | found o/c/t | median ms | p95 ms | SQL only median ms "
        "| no trigram median ms | no trigram p95 ms |"
    )
    print("|---|---|---|---:|---:|---:|---:|---:|")
    for row in rows:
        found = "/".join(str(n) for n in row["found (orders, customers, tickets; 11 = more)"])
        w, wo = row["with_trigram_indexes"], row["without_trigram_indexes"]
        print(
            f"| {row['case']} | `{row['query']}` | {found} | {w['median_ms']} | {w['p95_ms']} "
            f"| {row['with_trigram_indexes_sql_only']['median_ms']} "
            f"| {wo['median_ms']} | {wo['p95_ms']} |"
        )
    name_ms = rows[0]["with_trigram_indexes"]["median_ms"]
    print()
    print(
        f"target: name fragment under {TARGET_MS} ms: {'met' if name_ms < TARGET_MS else 'MISSED'}"
    )
    print()
    print("orders group, name fragment:\n  " + plan.replace("\n", "\n  "))

    RESULTS.mkdir(exist_ok=True)
    today = datetime.now(tz=UTC).date().isoformat()
    output = RESULTS / f"search-{today}.json"
    output.write_text(
        json.dumps(
            {
                "date": today,
                "database": connection.pg_version,
                "sizes": sizes,
                "repeats": REPEATS,
                "seed_seconds": round(seed_seconds, 1),
                "index_build_seconds": round(index_seconds, 1),
                "cases": rows,
                "target_ms": TARGET_MS,
                "plan_orders_name_fragment": plan,
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n"
    )
    print(f"\nwritten {output}")
    if os.environ.get("BENCH_KEEP") != "1":
        _drop_database()


if __name__ == "__main__":
    main()
