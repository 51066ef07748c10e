"""The manager's search box at 1,000,000 orders: with the trigram indexes and without.

    .venv/bin/python bench/search.py            # or: make bench-search
    BENCH_SEARCH_URL=postgres://postgres@127.0.0.1:5432/bench_search BENCH_ORDERS=10000 ...

Creates the database `bench_search` (dropped first if left over, dropped again at the
end unless BENCH_KEEP=1), migrates it, rolls the trigram index migrations back, seeds
2,000 customers (two contacts each), 1,000,000 orders (one in twenty a support ticket
with a subject, one in three with a tracking number) and about 3 lines per order with
`INSERT ... SELECT generate_series` (bench data, not through the services), ANALYZEs,
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

URL = os.environ.get("BENCH_SEARCH_URL", "postgres://postgres@127.0.0.1:5432/bench_search")
ORDERS = int(os.environ.get("BENCH_ORDERS", "1000000"))
CUSTOMERS = 2000
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

FORMS = ["ООО", "АО", "ПАО", "ЗАО", "ИП"]
ADJECTIVES = ["Северный", "Южный", "Восточный", "Западный", "Центральный", "Первый", "Новый"]
ADJECTIVES += ["Старый", "Большой", "Малый", "Верхний", "Нижний", "Красный", "Белый", "Зелёный"]
ADJECTIVES += ["Дальний", "Ближний", "Сибирский", "Уральский", "Волжский"]
NOUNS = ["Ромашка", "Василёк", "Лютик", "Берёза", "Кедр", "Сокол", "Орёл", "Гранит", "Кварц"]
NOUNS += ["Металлург", "Строитель", "Монтаж", "Техника", "Снабжение", "Торговля", "Промсервис"]
NOUNS += ["Лесопилка", "Агрохолдинг", "Автобаза", "Электросеть"]
FIRST_NAMES = ["Иван", "Пётр", "Анна", "Мария", "Сергей", "Ольга", "Алексей", "Елена", "Дмитрий"]
LAST_NAMES = ["Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Соколов", "Лебедев", "Козлов"]
ITEM_TYPES = ["Болт", "Гайка", "Шайба", "Винт", "Саморез", "Анкер", "Дюбель", "Шуруп", "Кабель"]
ITEM_TYPES += ["Провод", "Труба", "Уголок", "Швеллер", "Лист", "Профиль"]
ITEM_SIZES = ["М6", "М8", "М10", "М12", "М14", "М16"]
ITEM_FINISHES = ["оцинкованный", "чёрный", "нержавеющий", "латунный"]
ITEM_NAMES = [
    f"{kind} {size} {finish}"
    for kind in ITEM_TYPES
    for size in ITEM_SIZES
    for finish in ITEM_FINISHES
]
SUBJECTS = ["Не работает насос", "Вопрос по счёту", "Повреждена упаковка", "Нет документов"]
SUBJECTS += ["Перенос доставки", "Возврат товара", "Гарантийный ремонт", "Ошибка в накладной"]


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


def _seed(cursor):
    half = ORDERS // 2
    cursor.execute(
        """
        INSERT INTO customers_customer (id, kind, name, inn, kpp, email, phone, address,
            discount_percent, external_id, notes, search_text, created_at, updated_at, ogrn)
        SELECT c, 'company', name, inn, '', 'office' || c || '@client' || c || '.example.ru',
            phone, '', 0, '', '', lower(concat_ws(' ', name, inn,
                'office' || c || '@client' || c || '.example.ru', phone, substr(phone, 3))),
            now(), now(), ''
        FROM (
            SELECT c,
                (%(forms)s::text[])[1 + c %% 5] || ' «'
                    || (%(adjectives)s::text[])[1 + (c / 5) %% 20] || ' '
                    || (%(nouns)s::text[])[1 + (c / 100) %% 20] || '»' AS name,
                (7700000000 + c)::text AS inn,
                '+79' || lpad(((c::bigint * 7919 * 104729) %% 1000000000)::text, 9, '0') AS phone
            FROM generate_series(1, %(customers)s) AS c
        ) AS seeded
        """,
        {
            "forms": FORMS,
            "adjectives": ADJECTIVES,
            "nouns": NOUNS,
            "customers": CUSTOMERS,
        },
    )
    cursor.execute(
        """
        INSERT INTO customers_contact (id, name, position, email, phone, is_primary, customer_id)
        SELECT k, (%(first)s::text[])[1 + k %% 9] || ' ' || (%(last)s::text[])[1 + (k / 9) %% 8],
            '', 'person' || k || '@client' || ((k + 1) / 2) || '.example.ru',
            '+79' || lpad(((k::bigint * 15485863) %% 1000000000)::text, 9, '0'),
            k %% 2 = 1, (k + 1) / 2
        FROM generate_series(1, 2 * %(customers)s) AS k
        """,
        {"first": FIRST_NAMES, "last": LAST_NAMES, "customers": CUSTOMERS},
    )
    cursor.execute(
        """
        INSERT INTO orders_order (id, state, number, kind, channel, payment_terms, currency,
            priority, subtotal, discount_total, total, vat_total, external_id, comment,
            service_place, delivery_status, carrier, tracking_number, cancel_reason, version,
            state_changed_at, created_at, updated_at, customer_id, contact_id, sla_level,
            prepayment_percent, delivery_cost, service_cost, subject, delivery_address,
            delivery_method)
        SELECT i,
            CASE WHEN i %% 20 = 0 THEN 'new' ELSE 'closed' END,
            CASE WHEN i <= %(half)s THEN '2025-' || lpad(i::text, 6, '0')
                 ELSE '2026-' || lpad((i - %(half)s)::text, 6, '0') END,
            CASE WHEN i %% 20 = 0 THEN 'support' ELSE 'product' END,
            'api', 'prepay', 'RUB', 'normal', 300, 0, 300, 50, '', '', '', '', '',
            CASE WHEN i %% 3 = 0 THEN 'CDEK' || lpad(i::text, 10, '0') ELSE '' END,
            '', 1, created, created, created,
            1 + i %% %(customers)s, 2 * (1 + i %% %(customers)s) - (i / %(customers)s) %% 2,
            0, 100, 0, 0,
            CASE WHEN i %% 20 = 0 THEN (%(subjects)s::text[])[1 + (i / 20) %% 8] ELSE '' END,
            '', ''
        FROM generate_series(1, %(orders)s) AS i,
            LATERAL (SELECT now() - (%(orders)s - i) * interval '30 seconds' AS created) AS at
        """,
        {"half": half, "orders": ORDERS, "customers": CUSTOMERS, "subjects": SUBJECTS},
    )
    cursor.execute(
        """
        INSERT INTO orders_orderline (order_id, position, name, quantity, unit, unit_price,
            discount_percent, vat_rate, line_total, custom_values, custom_labels)
        SELECT i, p, (%(names)s::text[])[1 + (i * 31 + p * 17) %% %(count)s],
            1, 'шт', 100, 0, 20, 100, '{}', '{}'
        FROM generate_series(1, %(orders)s) AS i,
            LATERAL generate_series(1, 1 + i %% 5) AS p
        WHERE i %% 20 <> 0
        """,
        {"names": ITEM_NAMES, "count": len(ITEM_NAMES), "orders": ORDERS},
    )
    for table in ("customers_customer", "customers_contact", "orders_order", "orders_orderline"):
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
        )


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
        _seed(cursor)
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
