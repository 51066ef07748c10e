"""The benchmark databases: `bench_10k` and `bench_1m`, seeded in bulk SQL.

    make bench-seed                  # both scales
    make bench-seed SCALE=1m         # or: .venv/bin/python bench/seed.py 1m
    BENCH_DATABASE_PREFIX=mine make bench-seed SCALE=1m      # into mine_1m instead

Each database is dropped and created again on BENCH_DATABASE_SERVER (default
postgres://postgres@127.0.0.1:5432), migrated, then seeded with `INSERT ... SELECT` (bench data,
not through the services, which would take hours at this size): 2,000 customers with two
contacts each, the orders spread evenly over three years, three lines per sales order, the
events of each order's path so far (about 6.6 per order), its quote, invoice and payment where
its path reached them. Orders older than about five weeks have finished their path (closed,
cancelled, after-sales service); younger ones stand at every stage. One customer in the middle
of it all has 5,000 orders and a client login (`bench-client`); ten managers
(`bench-manager-1`..) own the orders, a director reads the reports, three catalog items
(`BENCH-0`..) are there for the API. Every login's password is `bench-pass-12345`.

`seed(cursor, ...)` is the shared part: bench/search.py and the smoke test use it too.
"""

import os
import queue
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
SERVER = os.environ.get("BENCH_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432").rstrip("/")
# The databases are PREFIX_10k and PREFIX_1m: another prefix seeds (and bench/run.py then reads)
# copies of one's own, to time the seeder while the benchmark's databases are in use.
PREFIX = os.environ.get("BENCH_DATABASE_PREFIX", "bench")
SCALES = {"10k": 10_000, "1m": 1_000_000}
CUSTOMERS = 2000
BIG_CLIENT_ORDERS = 5000
SPAN_DAYS = 3 * 365
MANAGERS = 10
PASSWORD = "bench-pass-12345"
CLIENT_USERNAME = "bench-client"
MANAGER_USERNAME = "bench-manager-1"
DIRECTOR_USERNAME = "bench-director"
ITEM_EXTERNAL_IDS = ("BENCH-0", "BENCH-1", "BENCH-2")
API_CUSTOMER_EXTERNAL_ID = "BENCH-API"
# The customer with BIG_CLIENT_ORDERS orders: its name is unique among the seeded ones.
BIG_CLIENT_ID = 1
BIG_CLIENT_NAME = "ООО «Бенчмарк Большой Клиент»"

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
CANCEL_REASONS = ["Дорого", "Выбрали другого поставщика", "Сроки не подходят", "Передумали"]
SEEDED_TABLES = (
    "customers_customer",
    "customers_contact",
    "orders_order",
    "orders_orderline",
    "orders_orderevent",
    "orders_stagestay",
    "orders_quote",
    "orders_invoice",
    "orders_payment",
)


@dataclass(frozen=True)
class OrderPath:
    """One way an order goes: its steps (action, state after it or "" for a fact, hours after
    the order was placed at the slowest pace), and how many orders in a hundred take it."""

    name: str
    weight: int
    kind: str
    payment_terms: str
    delivery_method: str
    steps: tuple[tuple[str, str, float], ...]


_SHIPPED = (("start_production", "production", 172), ("ship", "delivery", 230))
PATHS = (
    OrderPath(
        "quote and contract",
        5,
        "product",
        "prepay",
        "carrier",
        (
            ("created", "request", 0),
            ("start_quote", "quote", 4),
            ("quote_sent", "", 24),
            ("quote_accepted", "", 72),
            ("prepare_contract", "contract", 80),
            ("contract_signed", "", 120),
            ("request_payment", "payment", 124),
            ("invoice_issued", "", 124.1),
            ("payment_recorded", "", 170),
            *_SHIPPED,
            ("delivery_updated", "", 300),
            ("close", "closed", 340),
        ),
    ),
    OrderPath(
        "quoted",
        12,
        "product",
        "prepay",
        "carrier",
        (
            ("created", "request", 0),
            ("start_quote", "quote", 4),
            ("quote_sent", "", 24),
            ("quote_accepted", "", 72),
            ("request_payment", "payment", 76),
            ("invoice_issued", "", 76.1),
            ("payment_recorded", "", 120),
            *_SHIPPED,
            ("close", "closed", 300),
        ),
    ),
    OrderPath(
        "retail",
        35,
        "product",
        "prepay",
        "courier",
        (
            ("created", "request", 0),
            ("request_payment", "payment", 2),
            ("payment_recorded", "", 30),
            *_SHIPPED,
            ("close", "closed", 280),
        ),
    ),
    OrderPath(
        "pickup",
        18,
        "product",
        "prepay",
        "pickup",
        (
            ("created", "request", 0),
            ("request_payment", "payment", 2),
            ("payment_recorded", "", 30),
            ("start_production", "production", 40),
            ("close", "closed", 120),
        ),
    ),
    OrderPath(
        "post-paid",
        8,
        "product",
        "postpay",
        "carrier",
        (
            ("created", "request", 0),
            ("start_production", "production", 8),
            ("ship", "delivery", 100),
            ("delivery_updated", "", 200),
            ("request_payment", "payment", 204),
            ("invoice_issued", "", 204.1),
            ("payment_recorded", "", 300),
            ("close", "closed", 310),
        ),
    ),
    OrderPath(
        "cancelled at the quote",
        7,
        "product",
        "prepay",
        "carrier",
        (
            ("created", "request", 0),
            ("start_quote", "quote", 4),
            ("quote_sent", "", 24),
            ("cancel", "cancelled", 200),
        ),
    ),
    OrderPath(
        "cancelled unpaid",
        5,
        "product",
        "prepay",
        "courier",
        (
            ("created", "request", 0),
            ("request_payment", "payment", 2),
            ("invoice_issued", "", 2.1),
            ("cancel", "cancelled", 160),
        ),
    ),
    OrderPath(
        "with service",
        5,
        "service",
        "prepay",
        "none",
        (
            ("created", "request", 0),
            ("request_payment", "payment", 2),
            ("payment_recorded", "", 30),
            ("start_production", "production", 40),
            ("close", "closed", 120),
            ("schedule_service", "service", 400),
            ("complete_service", "closed", 700),
        ),
    ),
    OrderPath(
        "support ticket",
        5,
        "support",
        "prepay",
        "",
        (
            ("created", "new", 0),
            ("take_ticket", "in_progress", 2),
            ("ask_client", "waiting_client", 10),
            ("client_replied", "in_progress", 30),
            ("resolve", "resolved", 40),
            ("close_ticket", "closed", 90),
        ),
    ),
)
assert sum(path.weight for path in PATHS) == 100
# The slowest pace is this many times the fastest: orders of a path do not all move at once.
PACE_SPREAD = 2.5

# One line's quantity and unit price from the order id `i` and its position `p`: the order's
# total, its quote and its invoice are computed from the same expressions.
QUANTITY_SQL = "(1 + ({i} + {p}) %% 4)"
PRICE_SQL = "(50 + (({i} * 7 + {p} * 13) %% 20) * 25)"
LINES_PER_ORDER = 3


def _line_total_sql(i: str, p: str) -> str:
    return f"{QUANTITY_SQL.format(i=i, p=p)} * {PRICE_SQL.format(i=i, p=p)}"


def _path_rows() -> list[tuple]:
    """Per path: the arrays the SQL indexes by step number (1-based)."""
    from orders.closings import REVENUE_CLOSED_FROM

    rows = []
    for number, path in enumerate(PATHS, start=1):
        actions, froms, tos, states, hours, deliveries = [], [], [], [], [], []
        state, delivery = "", ""
        for action, to_state, at in path.steps:
            before = state
            state = to_state or state
            if action == "ship":
                delivery = "handed_to_carrier"
            elif action == "delivery_updated":
                delivery = "handed_to_client"
            actions.append(action)
            froms.append(before if to_state else state)
            tos.append(state)
            states.append(state)
            hours.append(float(at))
            deliveries.append(delivery)

        def position(action, actions=actions):
            return actions.index(action) + 1 if action in actions else 0

        # The step that closes the sale from delivery or payment (orders/closings.py).
        closing = next(
            (
                n
                for n, (before, after) in enumerate(zip(froms, tos, strict=True), start=1)
                if after == "closed" and before in REVENUE_CLOSED_FROM
            ),
            0,
        )

        rows.append(
            (
                number,
                path.kind,
                path.payment_terms,
                path.delivery_method,
                actions,
                froms,
                tos,
                states,
                hours,
                deliveries,
                position("quote_sent"),
                position("quote_accepted"),
                position("contract_signed"),
                position("invoice_issued"),
                position("payment_recorded"),
                position("ship"),
                closing,
            )
        )
    return rows


def _buckets() -> list[int]:
    """A hundred slots, each naming a path: an order takes the path of its slot."""
    return [number for number, path in enumerate(PATHS, start=1) for _ in range(path.weight)]


def _prepare(cursor, *, orders, customers, big_client_orders, now):
    cursor.execute("DROP TABLE IF EXISTS bench_path, bench_plan, bench_year")
    cursor.execute(
        """
        CREATE TEMP TABLE bench_path (
            path int PRIMARY KEY, kind text, payment_terms text, delivery_method text,
            actions text[], froms text[], tos text[], states text[], hours float8[],
            deliveries text[], quote_sent int, quote_accepted int, contract_signed int,
            invoice_issued int, payment_recorded int, shipped int, closed int
        )
        """
    )
    for row in _path_rows():
        cursor.execute(
            "INSERT INTO bench_path VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, "
            "%s, %s, %s, %s)",
            row,
        )
    # Every order's plan: when it was placed, its path, its pace, how many steps it has taken
    # by now, its customer and its number in its year. The steps: how many of the path's
    # hours (ascending) have passed at its pace, which `width_bucket` tells in one call (a
    # subquery over the hours, inlined three times, took most of this phase).
    stride = max(1, orders // big_client_orders)
    cursor.execute(
        """
        CREATE TEMP TABLE bench_plan AS
        SELECT i, created, path, pace, steps, customer, year,
            (sum(steps) OVER (ORDER BY i) - steps)::bigint AS events_before
        FROM (
        SELECT *, extract(year FROM created AT TIME ZONE 'Europe/Moscow')::int AS year
        FROM (
            SELECT i, created, b.path, pace,
                width_bucket(extract(epoch FROM %(now)s - created)::float8 / 3600 / pace,
                    p.hours) AS steps,
                CASE WHEN i %% %(stride)s = 0 THEN %(big)s
                     ELSE 2 + (i * 7 + i / 97) %% (%(customers)s - 1) END AS customer
            FROM generate_series(1, %(orders)s) AS i
            CROSS JOIN LATERAL (
                SELECT %(now)s - (%(orders)s - i) * (%(span)s / %(orders)s::float8)
                    * interval '1 day' AS created,
                    1 + (%(spread)s - 1) * ((i::bigint * 104729) %% 1000) / 1000.0 AS pace
            ) AS at
            JOIN unnest(%(buckets)s::int[]) WITH ORDINALITY AS b(path, slot)
                ON b.slot = 1 + (i::bigint * 7919) %% 100
            JOIN bench_path AS p ON p.path = b.path
        ) AS planned
        ) AS dated
        """,
        {
            "now": now,
            "orders": orders,
            "span": SPAN_DAYS,
            "spread": PACE_SPREAD,
            "buckets": _buckets(),
            "stride": stride,
            "big": BIG_CLIENT_ID,
            "customers": customers,
        },
    )
    # Numbers run from 1 in each year; a year's first order is its lowest id (ids follow time).
    cursor.execute(
        """
        CREATE TEMP TABLE bench_year AS SELECT year, min(i) AS first FROM bench_plan GROUP BY year
        """
    )


def _seed_customers(cursor, *, customers, now):
    cursor.execute(
        """
        INSERT INTO customers_customer (id, kind, name, inn, kpp, email, phone, address,
            discount_percent, external_id, notes, search_text, created_at, updated_at, ogrn)
        SELECT c, 'company', name, inn, '', 'office' || c || '@client' || c || '.example.ru',
            phone, '', 0, '', '', lower(concat_ws(' ', name, inn,
                'office' || c || '@client' || c || '.example.ru', phone, substr(phone, 3))),
            %(now)s, %(now)s, ''
        FROM (
            SELECT c,
                CASE WHEN c = %(big)s THEN %(big_name)s
                ELSE (%(forms)s::text[])[1 + c %% 5] || ' «'
                    || (%(adjectives)s::text[])[1 + (c / 5) %% 20] || ' '
                    || (%(nouns)s::text[])[1 + (c / 100) %% 20] || '»' END AS name,
                (7700000000 + c)::text AS inn,
                '+79' || lpad(((c::bigint * 7919 * 104729) %% 1000000000)::text, 9, '0') AS phone
            FROM generate_series(1, %(customers)s) AS c
        ) AS seeded
        """,
        {
            "forms": FORMS,
            "adjectives": ADJECTIVES,
            "nouns": NOUNS,
            "customers": customers,
            "big": BIG_CLIENT_ID,
            "big_name": BIG_CLIENT_NAME,
            "now": now,
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
        {"first": FIRST_NAMES, "last": LAST_NAMES, "customers": customers},
    )


def _seed_orders(cursor, *, managers, lap):
    # The lines' totals added up as one expression: a subquery summing them would be run
    # again for each of the three columns that read it.
    lines = " + ".join(
        _line_total_sql("plan.i", str(position)) for position in range(1, LINES_PER_ORDER + 1)
    )
    total = f"CASE WHEN p.kind = 'support' THEN 0 ELSE {lines} END"
    cursor.execute(
        f"""
        INSERT INTO orders_order (id, state, number, kind, channel, payment_terms, currency,
            priority, subtotal, discount_total, total, vat_total, external_id, comment,
            service_place, delivery_status, carrier, tracking_number, cancel_reason, version,
            state_changed_at, created_at, updated_at, customer_id, contact_id, manager_id,
            sla_level, prepayment_percent, delivery_cost, service_cost, subject,
            delivery_address, delivery_method, service_date, closed_at)
        SELECT plan.i, p.states[plan.steps],
            plan.year || '-' || lpad((plan.i - y.first + 1)::text, 6, '0'), p.kind,
            (ARRAY['portal', 'manager', 'api', 'phone', 'email'])[1 + plan.i %% 5],
            p.payment_terms, 'RUB',
            CASE WHEN plan.i %% 17 = 0 THEN 'high' ELSE 'normal' END,
            money.total, 0, money.total, round(money.total * 20 / 120.0, 2), '', '', '',
            p.deliveries[plan.steps],
            CASE WHEN p.shipped BETWEEN 1 AND plan.steps THEN 'СДЭК' ELSE '' END,
            CASE WHEN p.shipped BETWEEN 1 AND plan.steps
                THEN 'CDEK' || lpad(plan.i::text, 10, '0') ELSE '' END,
            CASE WHEN p.states[plan.steps] = 'cancelled'
                THEN (%(reasons)s::text[])[1 + plan.i %% 4] ELSE '' END,
            plan.steps, changed.at, plan.created, changed.at, plan.customer,
            2 * plan.customer - (plan.i / 7) %% 2,
            CASE WHEN p.states[plan.steps] IN ('request', 'new') AND plan.i %% 3 = 0 THEN NULL
                ELSE (%(managers)s::bigint[])[1 + plan.i %% greatest(1, %(manager_count)s)] END,
            0, 100, 0, 0,
            CASE WHEN p.kind = 'support' THEN (%(subjects)s::text[])[1 + (plan.i / 20) %% 8]
                ELSE '' END,
            CASE WHEN p.delivery_method IN ('courier', 'carrier')
                THEN 'г. Москва, ул. Складская, д. ' || (1 + plan.i %% 90) ELSE '' END,
            p.delivery_method,
            CASE WHEN p.kind = 'service' THEN (plan.created + interval '40 days')::date END,
            -- The closing event's time, by the same expression as the events' below.
            CASE WHEN p.closed BETWEEN 1 AND plan.steps
                THEN plan.created + p.hours[p.closed] * plan.pace * interval '1 hour' END
        FROM bench_plan AS plan
        JOIN bench_path AS p ON p.path = plan.path
        JOIN bench_year AS y ON y.year = plan.year
        CROSS JOIN LATERAL (SELECT {total} AS total) AS money
        CROSS JOIN LATERAL (
            SELECT plan.created + p.hours[plan.steps] * plan.pace * interval '1 hour' AS at
        ) AS changed
        """,
        {
            "reasons": CANCEL_REASONS,
            "managers": managers,
            "manager_count": len(managers),
            "subjects": SUBJECTS,
        },
    )
    lap("orders")
    # ITEM_NAMES[k] put together from its three parts: an array of 360 names is walked from
    # its start to reach one (its items are of any length), which took half of this phase.
    k = f"((plan.i * 31 + l * 17) %% {len(ITEM_NAMES)})"
    per_kind, per_size = len(ITEM_SIZES) * len(ITEM_FINISHES), len(ITEM_FINISHES)
    name = (
        f"(%(kinds)s::text[])[1 + {k} / {per_kind}]"
        f" || ' ' || (%(sizes)s::text[])[1 + ({k} / {per_size}) %% {len(ITEM_SIZES)}]"
        f" || ' ' || (%(finishes)s::text[])[1 + {k} %% {per_size}]"
    )
    cursor.execute(
        f"""
        INSERT INTO orders_orderline (order_id, position, name, quantity, unit, unit_price,
            discount_percent, vat_rate, line_total, custom_values, custom_labels)
        SELECT plan.i, l, {name},
            {QUANTITY_SQL.format(i="plan.i", p="l")}, 'шт', {PRICE_SQL.format(i="plan.i", p="l")},
            0, 20, {_line_total_sql("plan.i", "l")}, '{{}}', '{{}}'
        FROM bench_plan AS plan
        JOIN bench_path AS p ON p.path = plan.path
        CROSS JOIN generate_series(1, {LINES_PER_ORDER}) AS l
        WHERE p.kind <> 'support'
        """,
        {"kinds": ITEM_TYPES, "sizes": ITEM_SIZES, "finishes": ITEM_FINISHES},
    )
    lap("lines")
    # Ids numbered order by order and step by step, so they run as the events happened.
    cursor.execute(
        """
        INSERT INTO orders_orderevent (id, feed_position, created_at, action, from_state,
            to_state, note, payload, actor_id, order_id)
        SELECT id, id, at, action, from_state, to_state, '', '{}', actor_id, order_id
        FROM (
            SELECT (SELECT coalesce(max(id), 0) FROM orders_orderevent)
                    + plan.events_before + n AS id,
                plan.created + p.hours[n] * plan.pace * interval '1 hour' AS at,
                p.actions[n] AS action, p.froms[n] AS from_state, p.tos[n] AS to_state,
                CASE WHEN n > 1
                    THEN (%(managers)s::bigint[])[1 + plan.i %% greatest(1, %(count)s)] END
                    AS actor_id,
                plan.i AS order_id
            FROM bench_plan AS plan
            JOIN bench_path AS p ON p.path = plan.path
            CROSS JOIN LATERAL generate_series(1, plan.steps) AS n
        ) AS steps
        """,
        {"managers": managers, "count": len(managers)},
    )
    # Seeded history has been read by the change feed already: its positions are its ids,
    # else the feed's assigner would walk millions of rows on the first API call.
    cursor.execute(
        "INSERT INTO orders_feedcursor (id, last_position) "
        "SELECT 1, coalesce(max(id), 0) FROM orders_orderevent "
        "ON CONFLICT (id) DO UPDATE SET last_position = excluded.last_position"
    )
    lap("events")


def _seed_money(cursor, *, managers):
    at = "plan.created + p.hours[{step}] * plan.pace * interval '1 hour'"
    manager = "(%(managers)s::bigint[])[1 + plan.i %% greatest(1, %(count)s)]"
    params = {"managers": managers, "count": len(managers)}
    cursor.execute(
        f"""
        INSERT INTO orders_quote (order_id, version, status, lines, total, valid_until, note,
            created_at, sent_at, accepted_at, created_by_id, delivery_cost, service_cost)
        SELECT plan.i, 1,
            CASE WHEN p.quote_accepted BETWEEN 1 AND plan.steps THEN 'accepted' ELSE 'sent' END,
            (SELECT jsonb_agg(jsonb_build_object(
                'item_id', NULL, 'name', line.name, 'quantity', line.quantity::text,
                'unit', line.unit, 'unit_price', line.unit_price::text,
                'discount_percent', '0', 'vat_rate', 20, 'line_total', line.line_total::text,
                'custom_values', '{{}}'::jsonb, 'custom_labels', '{{}}'::jsonb
             ) ORDER BY line.position)
             FROM orders_orderline AS line WHERE line.order_id = plan.i),
            o.total, ({at.format(step="p.quote_sent")} + interval '14 days')::date, '',
            {at.format(step="p.quote_sent")}, {at.format(step="p.quote_sent")},
            CASE WHEN p.quote_accepted BETWEEN 1 AND plan.steps
                THEN {at.format(step="p.quote_accepted")} END,
            {manager}, 0, 0
        FROM bench_plan AS plan
        JOIN bench_path AS p ON p.path = plan.path
        JOIN orders_order AS o ON o.id = plan.i
        WHERE p.quote_sent BETWEEN 1 AND plan.steps
        """,
        params,
    )
    # An order has one invoice at most here: its id is the order's, which the payment names.
    cursor.execute(
        f"""
        INSERT INTO orders_invoice (id, number, order_id, kind, amount, due_date, status,
            created_by_id, created_at)
        SELECT plan.i, o.number || '-1', plan.i,
            CASE WHEN p.payment_terms = 'postpay' THEN 'final' ELSE 'prepayment' END,
            o.total, ({at.format(step="p.invoice_issued")} + interval '5 days')::date,
            CASE WHEN p.payment_recorded BETWEEN 1 AND plan.steps THEN 'paid'
                 WHEN o.state = 'cancelled' THEN 'cancelled' ELSE 'issued' END,
            {manager}, {at.format(step="p.invoice_issued")}
        FROM bench_plan AS plan
        JOIN bench_path AS p ON p.path = plan.path
        JOIN orders_order AS o ON o.id = plan.i
        WHERE p.invoice_issued BETWEEN 1 AND plan.steps
        """,
        params,
    )
    cursor.execute(
        f"""
        INSERT INTO orders_payment (order_id, amount, method, reference, provider, invoice_id,
            paid_at, recorded_by_id, created_at)
        SELECT plan.i, o.total,
            CASE WHEN p.delivery_method = 'pickup' THEN 'card' ELSE 'bank_transfer' END,
            'ПП-' || plan.i, '',
            CASE WHEN p.invoice_issued BETWEEN 1 AND plan.steps THEN plan.i END,
            {at.format(step="p.payment_recorded")}, {manager},
            {at.format(step="p.payment_recorded")}
        FROM bench_plan AS plan
        JOIN bench_path AS p ON p.path = plan.path
        JOIN orders_order AS o ON o.id = plan.i
        WHERE p.payment_recorded BETWEEN 1 AND plan.steps AND o.total > 0
        """,
        params,
    )


def _secondary_indexes(cursor) -> list[tuple[str, str, str]]:
    """The seeded tables' indexes that back no constraint, (name, table, definition): dropped
    for the load, built after."""
    cursor.execute(
        """
        SELECT i.indexname, i.tablename, i.indexdef FROM pg_indexes AS i
        WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
          AND NOT EXISTS (
              SELECT 1 FROM pg_constraint AS c
              WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))
                  ::regclass
          )
        """,
        [list(SEEDED_TABLES)],
    )
    return cursor.fetchall()


# The tables each phase of the load leaves complete: their indexes may be built from then on.
LOADED_BY_PHASE = {
    "customers": ("customers_customer", "customers_contact"),
    "orders": ("orders_order",),
    "lines": ("orders_orderline",),
    "events": ("orders_orderevent",),
    "stays": ("orders_stagestay",),
    "quotes, invoices, payments": ("orders_quote", "orders_invoice", "orders_payment"),
}


class _IndexBuilder:
    """Builds the dropped indexes of each table once it is loaded, on a connection of its own,
    while the next tables load: an `INSERT ... SELECT` keeps one core busy, an index build
    the other (the trigram index of the lines alone takes 25 s on one). What is left when
    the load ends is built on the loading connection too, with PostgreSQL's parallel workers.
    """

    def __init__(self, conninfo: str, settings: list[str]):
        self.pending = queue.Queue()
        self.errors = []
        # Seconds spent building, by connection.
        self.seconds = {"second connection": 0.0, "loading connection": 0.0}
        self._settings = settings
        self._thread = threading.Thread(target=self._work, args=(conninfo,), daemon=True)
        self._thread.start()

    def submit(self, definitions: list[str]):
        # A GIN index is built by one process however many workers a B-tree gets: first.
        for definition in sorted(definitions, key=lambda d: " USING gin " not in d):
            self.pending.put(definition)

    def _work(self, conninfo: str):
        import psycopg

        try:
            with psycopg.connect(conninfo, autocommit=True) as connection:
                for setting in self._settings:
                    connection.execute(setting)
                # One process: the load has the other core.
                connection.execute("SET max_parallel_maintenance_workers = 0")
                cursor = connection.cursor()
                while (definition := self.pending.get()) is not None:
                    self._build(cursor, definition, "second connection")
        except Exception as error:  # raised on the loading thread by finish()
            self.errors.append(error)

    def _build(self, cursor, definition: str, on: str):
        started = time.perf_counter()
        cursor.execute(definition)
        self.seconds[on] += time.perf_counter() - started

    def finish(self, cursor):
        """Build what is left on `cursor` as well, then wait for the other connection."""
        while not self.errors:
            try:
                definition = self.pending.get_nowait()
            except queue.Empty:
                break
            self._build(cursor, definition, "loading connection")
        self.pending.put(None)
        self._thread.join()
        if self.errors:
            raise self.errors[0]

    def abandon(self):
        """The load failed: the other connection stops after the build it is running."""
        while True:
            try:
                self.pending.get_nowait()
            except queue.Empty:
                break
        self.pending.put(None)


def seed(
    cursor,
    *,
    orders: int,
    customers: int = CUSTOMERS,
    big_client_orders: int = BIG_CLIENT_ORDERS,
    managers: list[int] = (),
    now=None,
    fast: bool = False,
    index_conninfo: str | None = None,
    index_settings: list[str] = (),
    timings: dict | None = None,
) -> dict[str, int]:
    """Seed empty tables on PostgreSQL through `cursor` (a Django or psycopg cursor).

    `fast` (the bench databases): secondary indexes dropped for the load and built after,
    foreign keys not checked row by row (the rows are consistent by construction; the smoke
    test seeds without it, so a broken reference fails there). With `fast`, and
    `index_conninfo` naming the same database (its tables committed as they load: `cursor`
    in autocommit), each table's indexes are built on a second connection (with
    `index_settings`) as soon as it is loaded. Returns rows per table; `timings`, if
    given, gets the seconds of each phase.
    """
    from datetime import UTC, datetime

    timings = {} if timings is None else timings
    clock = [time.perf_counter()]

    indexes: dict[str, list[str]] = {}
    builder = None

    def lap(phase):
        now_ = time.perf_counter()
        timings[phase] = round(now_ - clock[0], 1)
        clock[0] = now_
        if builder is not None:
            builder.submit([d for table in LOADED_BY_PHASE.get(phase, ()) for d in indexes[table]])

    now = now or datetime.now(tz=UTC)
    managers = list(managers)
    for table in ("orders_order", "customers_customer"):
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")
        if cursor.fetchone()[0]:
            raise RuntimeError(f"{table} is not empty: the seeder fills a fresh database")
    if fast:
        indexes = {table: [] for tables in LOADED_BY_PHASE.values() for table in tables}
        for name, table, definition in _secondary_indexes(cursor):
            cursor.execute(f'DROP INDEX "{name}"')
            indexes[table].append(definition)
        cursor.execute("SET session_replication_role = replica")
        if index_conninfo:
            builder = _IndexBuilder(index_conninfo, list(index_settings))
    try:
        _prepare(
            cursor,
            orders=orders,
            customers=customers,
            big_client_orders=big_client_orders,
            now=now,
        )
        lap("plan")
        _seed_customers(cursor, customers=customers, now=now)
        lap("customers")
        _seed_orders(cursor, managers=managers, lap=lap)
        # The reports' stays, derived from the events as migration 0028 derived them.
        from orders.stage_stays import BACKFILL_PARAMS, BACKFILL_SQL

        cursor.execute(BACKFILL_SQL, BACKFILL_PARAMS)
        lap("stays")
        _seed_money(cursor, managers=managers)
        lap("quotes, invoices, payments")
    except BaseException:
        if builder is not None:
            builder.abandon()
        raise
    finally:
        if fast:
            cursor.execute("SET session_replication_role = DEFAULT")
    if builder is not None:
        builder.finish(cursor)
        for on, seconds in builder.seconds.items():
            timings[f"index builds on the {on}"] = round(seconds, 1)
    else:
        for definition in (d for definitions in indexes.values() for d in definitions):
            cursor.execute(definition)
    lap("indexes")
    for table in ("customers_customer", "customers_contact", *SEEDED_TABLES[2:]):
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
        )
    cursor.execute("DROP TABLE bench_plan, bench_path, bench_year")
    counts = {}
    for table in SEEDED_TABLES:
        cursor.execute(f"SELECT count(*) FROM {table}")
        counts[table] = cursor.fetchone()[0]
    return counts


def create_logins() -> list[int]:
    """Managers, a director, the client login of the big customer and the API's items.

    Returns the managers' ids (the seeded orders are theirs).
    """
    from django.contrib.auth.models import Group

    from accounts.models import User
    from catalog.models import Item

    def login(username, group):
        user = User.objects.create_user(username, password=PASSWORD)
        user.groups.add(Group.objects.get(name=group))
        return user

    managers = [login(f"bench-manager-{n}", "manager").pk for n in range(1, MANAGERS + 1)]
    login(DIRECTOR_USERNAME, "director")
    login(CLIENT_USERNAME, "client")
    for number, external_id in enumerate(ITEM_EXTERNAL_IDS):
        Item.objects.create(
            external_id=external_id,
            sku=f"BENCH-API-{number}",
            name=f"Бенч-товар {number}",
            price=100 + 50 * number,
        )
    return managers


def finish_logins():
    """After the seed: the client login becomes the big customer's primary contact, and the
    API's orders go to a customer of their own, so a run leaves the seeded ones as they were."""
    from accounts.models import User
    from customers.models import Contact, Customer

    user = User.objects.get(username=CLIENT_USERNAME)
    Contact.objects.filter(customer_id=BIG_CLIENT_ID, is_primary=True).update(user=user)
    Customer.objects.create(external_id=API_CUSTOMER_EXTERNAL_ID, name="ООО «Бенчмарк API»")


def database_name(scale: str) -> str:
    return f"{PREFIX}_{scale}"


def database_url(scale: str) -> str:
    return f"{SERVER}/{database_name(scale)}"


def _recreate_database(scale: str):
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database_name(scale)}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{database_name(scale)}"')


def _seed_one(scale: str):
    """In a process of its own, whose DATABASE_URL is the scale's database."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter()
    managers = create_logins()
    settings = [
        "SET synchronous_commit = off",
        "SET maintenance_work_mem = '512MB'",
        # The stays' window over the events sorts in memory (at 256 MB it went to disk).
        "SET work_mem = '1GB'",
        # Compiling each statement's expressions took a second, more than it saved.
        "SET jit = off",
    ]
    with connection.cursor() as cursor:
        for setting in settings:
            cursor.execute(setting)
        # The plan is a temporary table read six times: keep it in memory (default 8 MB).
        cursor.execute("SET temp_buffers = '512MB'")
        timings = {}
        counts = seed(
            cursor,
            orders=SCALES[scale],
            managers=managers,
            fast=True,
            index_conninfo=database_url(scale),
            index_settings=settings,
            timings=timings,
        )
    finish_logins()
    with connection.cursor() as cursor:
        started_analyze = time.perf_counter()
        cursor.execute("ANALYZE")
        timings["analyze"] = round(time.perf_counter() - started_analyze, 1)
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    seeded = time.perf_counter()
    events = counts["orders_orderevent"] / counts["orders_order"]
    print(
        f"{database_name(scale)}: migrated in {migrated - started:.0f} s, seeded and analysed in "
        f"{seeded - migrated:.0f} s ({size}); "
        + ", ".join(f"{table} {rows:,}" for table, rows in counts.items())
        + f"; {events:.2f} events per order; seconds by phase: "
        + ", ".join(f"{phase} {seconds}" for phase, seconds in timings.items()),
        flush=True,
    )


def main(argv):
    scales = argv or list(SCALES)
    unknown = set(scales) - set(SCALES)
    if unknown:
        raise SystemExit(f"unknown scale {', '.join(sorted(unknown))}: one of {', '.join(SCALES)}")
    for scale in scales:
        _recreate_database(scale)
        environment = {
            **os.environ,
            "DATABASE_URL": database_url(scale),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "1",
            "BENCH_SEED_SCALE": scale,
        }
        subprocess.run(
            [sys.executable, __file__], env=environment, cwd=BASE_DIR, check=True, timeout=3600
        )


if __name__ == "__main__":
    sys.path.insert(0, str(BASE_DIR))
    if os.environ.get("BENCH_SEED_SCALE"):
        _seed_one(os.environ["BENCH_SEED_SCALE"])
    else:
        main(sys.argv[1:])
