"""Where one request of a benchmark target spends its time, in-process: CPU, statements, profile.

    .venv/bin/python bench/profile.py desk                 # 1m, 30 requests, CPU and wall p50
    .venv/bin/python bench/profile.py order_page --scale 10k --requests 50
    .venv/bin/python bench/profile.py desk --profile       # plus cProfile's 30 heaviest calls
    .venv/bin/python bench/profile.py desk --profile --match /work/ --top 60  # the project's
    .venv/bin/python bench/profile.py desk --sql           # plus each statement and its time
    .venv/bin/python bench/profile.py reports --uncached   # the cache emptied before each request

The same settings as `bench/run.py` gives gunicorn (DEBUG=0, production storage and caches)
and the same logins, order and API key, through Django's test client. CPU time is the
process's own, so it varies less with a busy machine than wall time; the database's share is
the wall time spent in statements. Nothing is written except what the target itself writes
(API create's orders are deleted after, as `bench/run.py` does).
"""

import sys
from pathlib import Path

# Run as a script, this file's folder comes first on the path and this module would shadow the
# standard library's `profile`, which cProfile imports.
BASE_DIR = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BASE_DIR / "bench"]
sys.path.insert(0, str(BASE_DIR))

import argparse  # noqa: E402
import cProfile  # noqa: E402
import io  # noqa: E402
import os  # noqa: E402
import pstats  # noqa: E402
import secrets  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

from bench import run  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", choices=[t.name for t in run.TARGETS])
    parser.add_argument("--scale", default="1m", choices=sorted(run.seed.SCALES))
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--profile", action="store_true", help="print cProfile's heaviest calls")
    parser.add_argument("--sql", action="store_true", help="print each statement and its time")
    parser.add_argument(
        "--match", default="", help="with --profile: only calls whose place matches this regex"
    )
    parser.add_argument("--top", type=int, default=30, help="with --profile: how many calls")
    parser.add_argument(
        "--uncached", action="store_true", help="empty the cache before each request (reports)"
    )
    arguments = parser.parse_args(argv)
    if not (run.STATIC_ROOT / "staticfiles.json").exists():
        run._collectstatic()  # DEBUG=0 pages need the manifest
    os.environ.update(
        run._environment(arguments.scale, secrets.token_urlsafe(50), "memory://localhost/")
    )
    os.environ["DEBUG"] = "0"

    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from api.services import api_client_create

    target = run.TARGETS_BY_NAME[arguments.target]
    _client, key = api_client_create(
        name="bench", scopes=["read", "write"], groups=Group.objects.filter(name="manager")
    )
    try:
        order_id = _order_to_show(connection)
        client = Client()
        usernames = {
            "manager": run.seed.MANAGER_USERNAME,
            "client": run.seed.CLIENT_USERNAME,
            "director": run.seed.DIRECTOR_USERNAME,
        }
        if target.login in usernames:
            client.force_login(User.objects.get(username=usernames[target.login]))

        def before_each():
            if arguments.uncached:
                cache.clear()

        def once():
            response = run._client_request(client, target, order_id, key)
            if response.status_code != target.status:
                status, content = response.status_code, response.content[:300]
                raise SystemExit(f"{target.name}: {status} {content!r}")

        for _ in range(3):
            once()
        cpu, wall, sql = [], [], []
        for _ in range(arguments.requests):
            before_each()
            with CaptureQueriesContext(connection) as captured:
                started_cpu, started = time.process_time(), time.perf_counter()
                once()
                cpu.append((time.process_time() - started_cpu) * 1000)
                wall.append((time.perf_counter() - started) * 1000)
            sql.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
        print(
            f"{target.name} at {arguments.scale}: {len(captured.captured_queries)} statements; "
            f"p50 wall {statistics.median(wall):.1f} ms, CPU {statistics.median(cpu):.1f} ms "
            f"(min {min(cpu):.1f}: steadier on a busy machine), "
            f"SQL {statistics.median(sql):.1f} ms (min wall {min(wall):.1f} ms)"
        )
        if arguments.sql:
            for query in captured.captured_queries:
                print(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:400]}")
        if arguments.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(arguments.requests):
                before_each()
                once()
            profiler.disable()
            restrictions = [arguments.match] if arguments.match else []
            restrictions.append(arguments.top)
            for order in ("tottime", "cumulative"):
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(*restrictions)
                print(out.getvalue())
    finally:
        _cleanup_created()


def _order_to_show(connection) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT order_id FROM orders_orderevent WHERE order_id IN ("
            " SELECT id FROM orders_order WHERE created_at < now() - interval '60 days'"
            " ORDER BY id DESC LIMIT 2000) "
            "GROUP BY order_id ORDER BY count(*) DESC, order_id DESC LIMIT 1"
        )
        return cursor.fetchone()[0]


def _cleanup_created():
    from api.models import ApiClient
    from notifications.models import OutboxMessage
    from orders.models import Order

    orders = Order.objects.filter(customer__external_id=run.seed.API_CUSTOMER_EXTERNAL_ID)
    order_ids = list(orders.values_list("pk", flat=True))
    if order_ids:
        OutboxMessage.objects.filter(aggregate_type="order", aggregate_id__in=order_ids).delete()
        orders.delete()
    for api_client in ApiClient.objects.filter(name="bench").select_related("user"):
        user = api_client.user
        api_client.delete()
        user.delete()


if __name__ == "__main__":
    main()
