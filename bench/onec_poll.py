"""1C's sale `query` at 1,000,000 orders: a full pass over every order (the read before
export marks) against the window read (`integrations/onec/export_marks.py`), on bench_1m,
in one transaction rolled back after.

    make bench-seed SCALE=1m
    DEBUG=1 .venv/bin/python bench/onec_poll.py        # RUNS_OLD=3 RUNS_NEW=7 PLANS=1

A profile is made whose 1C acknowledged every order a day ago and polled five minutes ago;
then (a) nothing changed, (b) 200 random orders changed, (c) a first exchange of every order
(closed ones too) is half done. Each case prints both reads' wall and SQL time (medians) and
whether they returned the same orders in the same order.
"""

import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_1m")

RUNS_OLD = int(os.environ.get("RUNS_OLD", "3"))
RUNS_NEW = int(os.environ.get("RUNS_NEW", "7"))


class RolledBackError(Exception):
    """Raised to leave the measuring transaction: nothing it wrote stays."""


class _SqlTime:
    def __init__(self):
        self.total, self.count = 0.0, 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.total += time.perf_counter() - started
            self.count += 1


def _timed(read, runs):
    from django.db import connection

    walls, sqls = [], []
    for _ in range(runs):
        meter = _SqlTime()
        with connection.execute_wrapper(meter):
            started = time.perf_counter()
            result = read()
            walls.append(time.perf_counter() - started)
        sqls.append(meter.total)
    return statistics.median(walls) * 1000, statistics.median(sqls) * 1000, result


def _full_pass(profile):
    # Every order that could qualify, oldest first: the read before export marks, which the
    # selector still makes on a full pass (a new profile, changed exported states, daily).
    from django.utils import timezone

    from integrations.onec.export_marks import ExportWindow
    from integrations.onec.selectors import order_list_to_export

    now = timezone.now()
    every_order = ExportWindow(started_at=now, changed_since=None, after=None, full_pass_at=now)
    return order_list_to_export(profile=profile, window=every_order)


def _compare(label, profile):
    from integrations.onec.selectors import order_list_to_export

    old_wall, old_sql, old = _timed(lambda: _full_pass(profile), RUNS_OLD)
    new_wall, new_sql, new = _timed(lambda: order_list_to_export(profile=profile), RUNS_NEW)
    same = [order.pk for order in old] == [order.pk for order in new]
    print(
        f"{label}: full pass {old_wall:.1f} ms wall, {old_sql:.1f} ms SQL; "
        f"window {new_wall:.1f} ms wall, {new_sql:.1f} ms SQL; "
        f"{len(new)} orders, the same in the same order: {same}"
    )


def _acknowledged_profile(cursor):
    from django.utils import timezone

    from integrations.onec.models import OrderExportMark
    from integrations.onec.profiles import profile_create

    profile = profile_create(name="bench 1C", login="bench-1c", password="bench-1c")
    cursor.execute(
        "INSERT INTO onec_orderexchange (profile_id, order_id, acknowledged_version,"
        " acknowledged_at, held_reason, onec_number, onec_date, updated_at)"
        " SELECT %s, id, version, now() - interval '1 day', '', '', '',"
        " now() - interval '1 day' FROM orders_order",
        [profile.pk],
    )
    cursor.execute("ANALYZE onec_orderexchange")
    OrderExportMark.objects.create(
        profile=profile,
        passed_at=timezone.now() - timedelta(minutes=5),
        full_pass_at=timezone.now() - timedelta(hours=1),
        exported_kinds=profile.exported_kinds,
        exported_states=profile.exported_states,
    )
    return profile


def _half_done_first_exchange(cursor, profile):
    from django.utils import timezone

    from integrations.onec.models import IntegrationProfile, OrderExportMark
    from orders.lifecycle import OrderKind, State
    from orders.models import Order

    IntegrationProfile.objects.filter(pk=profile.pk).update(
        exported_kinds=list(OrderKind.values), exported_states=list(State.values)
    )
    profile.refresh_from_db()
    oldest_first = Order.objects.order_by("created_at", "pk")
    middle = oldest_first.values_list("created_at", "pk")[Order.objects.count() // 2]
    cursor.execute(
        "DELETE FROM onec_orderexchange WHERE profile_id = %s AND order_id IN"
        " (SELECT id FROM orders_order WHERE (created_at, id) > (%s, %s))",
        [profile.pk, *middle],
    )
    cursor.execute("ANALYZE onec_orderexchange")
    OrderExportMark.objects.filter(profile=profile).update(
        passed_at=timezone.now() - timedelta(minutes=1),
        exported_kinds=profile.exported_kinds,
        exported_states=profile.exported_states,
        after_created_at=middle[0],
        after_pk=middle[1],
    )


def _print_plans(profile):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from integrations.onec.selectors import order_list_to_export

    with CaptureQueriesContext(connection) as queries:
        order_list_to_export(profile=profile)
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            if query["sql"].startswith('SELECT "orders_order"."created_at"'):
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                print("\n".join(row[0] for row in cursor.fetchall()), "\n----")


def main():
    import django

    django.setup()
    from django.db import connection, transaction

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            started = time.perf_counter()
            profile = _acknowledged_profile(cursor)
            print(f"{profile} acknowledged every order in {time.perf_counter() - started:.1f} s")
            _compare("a: nothing changed", profile)
            cursor.execute(
                "UPDATE orders_order SET version = version + 1, updated_at = now()"
                " WHERE id IN (SELECT id FROM orders_order ORDER BY random() LIMIT 200)"
            )
            _compare("b: 200 orders changed", profile)
            _half_done_first_exchange(cursor, profile)
            _compare("c: a first exchange of every order, half done", profile)
            if os.environ.get("PLANS"):
                _print_plans(profile)
            raise RolledBackError
    except RolledBackError:
        print("rolled back: bench_1m is as it was")


if __name__ == "__main__":
    main()
