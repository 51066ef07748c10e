"""Performance at scale: every page of issue 19 at 10k and 1M orders, in one run.

    make bench-seed                 # once: bench_10k and bench_1m (bench/seed.py)
    make bench                      # or: .venv/bin/python bench/run.py
    BENCH_SECONDS=5 BENCH_ROUNDS=1 BENCH_SCALES=10k make bench      # a short smoke run
    BENCH_TARGETS=desk,order_page make bench                       # some targets only

For each round, for each scale in turn (10k, 1m, 10k, 1m, ...): gunicorn with 2 sync workers,
DEBUG=0 and the production settings (static files built as the Dockerfile builds them, a
throwaway redis-server as the broker when one is installed) against that scale's database,
then each target in turn: a few warm-up requests, BENCH_CONNECTIONS keep-alive connections for
BENCH_SECONDS (requests/s, p50, p99), then one user clicking alone for a third of that (p50).

The targets: the baselines (a `login_required` one-SELECT view, a one-INSERT view and, for
reference, one INSERT behind the API's key check and throttle, bench/urls.py), the manager's
desk (first page, and a search by a customer-name fragment), an order page (the order with
the longest history), a client's order list (a customer with 5,000 orders), the API's order
list filtered by state, the API's order creation with three lines, and the reports page
(the default 90 days, as the director). Statements per request are counted once per scale
in-process (Django's test client, the same settings and database).

Writes bench/results/<date>.json (every round) and bench/results/<date>.md (medians over the
rounds: ratio to the baseline, p50/p99, one-user p50, 1M/10k, statements; each of the issue's
targets met or not). Orders the API created and the baseline's rows are deleted at the end of
each scale's turn, so the databases stay as seeded.
"""

import http.client
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE_DIR))

from bench import seed  # noqa: E402

SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
SCALES = [s.strip() for s in os.environ.get("BENCH_SCALES", "10k,1m").split(",") if s.strip()]
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
WORKERS = 2
WARMUP_REQUESTS = 5
RESULTS = Path(os.environ.get("BENCH_RESULTS", BASE_DIR / "bench" / "results"))
STATIC_ROOT = BASE_DIR / "var" / "bench-static"
SEARCH_FRAGMENT = "ромаш"
API_ORDER = {
    "kind": "product",
    "customer": {"external_id": seed.API_CUSTOMER_EXTERNAL_ID},
    "lines": [
        {"item": {"external_id": external_id}, "quantity": str(number + 1)}
        for number, external_id in enumerate(seed.ITEM_EXTERNAL_IDS)
    ],
}


@dataclass(frozen=True)
class Target:
    name: str
    label: str
    method: str
    path: str  # `{order_id}` is filled in per scale
    login: str  # manager | client | director | api | none
    status: int = 200
    baseline: str = ""  # the baseline its throughput is set against
    reference: str = ""  # a second baseline its ratio is shown against, with no target
    min_ratio: float | None = None
    max_statements: int | None = None
    max_one_user_ms_1m: float | None = None
    compare_scales: bool = True


TARGETS = (
    Target("baseline_select", "one-SELECT baseline", "GET", "/bench/select/", "manager"),
    Target("baseline_insert", "one-INSERT baseline", "POST", "/bench/baseline/", "none", 201),
    Target(
        "baseline_api_insert",
        "one INSERT through the API (reference)",
        "POST",
        "/bench/api-baseline/",
        "api",
        201,
    ),
    Target(
        "desk",
        "desk, first page",
        "GET",
        "/manager/orders/",
        "manager",
        baseline="baseline_select",
        min_ratio=0.40,
        max_statements=6,
        max_one_user_ms_1m=20,
    ),
    Target(
        "desk_search",
        f"desk, search “{SEARCH_FRAGMENT}”",
        "GET",
        f"/manager/orders/?q={quote(SEARCH_FRAGMENT)}",
        "manager",
        baseline="baseline_select",
        max_statements=6,
        max_one_user_ms_1m=50,
    ),
    Target(
        "order_page",
        "order page",
        "GET",
        "/manager/orders/{order_id}/",
        "manager",
        baseline="baseline_select",
        min_ratio=0.30,
        max_statements=10,
    ),
    Target(
        "client_orders",
        "client orders (5,000)",
        "GET",
        "/client/orders/",
        "client",
        baseline="baseline_select",
    ),
    Target(
        "api_list",
        "API list ?state=production",
        "GET",
        "/api/v1/orders/?state=production",
        "api",
        baseline="baseline_select",
        min_ratio=0.40,
    ),
    Target(
        "api_create",
        "API create, 3 lines",
        "POST",
        "/api/v1/orders/",
        "api",
        201,
        baseline="baseline_insert",
        reference="baseline_api_insert",
        min_ratio=0.35,
        max_statements=12,
    ),
    Target(
        "reports",
        "reports, 90 days",
        "GET",
        "/manager/reports/",
        "director",
        baseline="baseline_select",
        max_one_user_ms_1m=300,
    ),
)
# BENCH_TARGETS=desk,api_list measures only those (and the baselines they are set against).
_ONLY = {name.strip() for name in os.environ.get("BENCH_TARGETS", "").split(",") if name.strip()}
if _ONLY:
    TARGETS = tuple(t for t in TARGETS if t.name in _ONLY or t.name.startswith("baseline_"))
TARGETS_BY_NAME = {target.name: target for target in TARGETS}
MAX_SCALE_RATIO = 1.3


# ---- in a child process, on one scale's database: logins, the order to show, statements


def _environment(scale: str, secret_key: str, broker: str) -> dict:
    """Production's settings as tests/production/stack.py runs them, over plain HTTP."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "PYTEST_", "TEST_DATABASE", "CELERY_", "CACHE_URL"))
    }
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "0",
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DATABASE_URL": seed.database_url(scale),
        "CELERY_BROKER_URL": broker,
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(STATIC_ROOT),
        "API_THROTTLE_RATE": "100000000/minute",
        "LOG_LEVEL": "WARNING",
        "BENCH_SCALE": scale,
    }


def _prepare():
    """Sessions for the logins, an API key, the order to show, statements per target: JSON."""
    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from api.services import api_client_create

    _client, key = api_client_create(
        name="bench", scopes=["read", "write"], groups=Group.objects.filter(name="manager")
    )
    # The same page at every scale: the longest finished history (quote, contract, invoice,
    # payment, shipping, closed) among the newest orders placed over two months ago.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT order_id FROM orders_orderevent WHERE order_id IN ("
            " SELECT id FROM orders_order WHERE created_at < now() - interval '60 days'"
            " ORDER BY id DESC LIMIT 2000) "
            "GROUP BY order_id ORDER BY count(*) DESC, order_id DESC LIMIT 1"
        )
        order_id = cursor.fetchone()[0]
    usernames = {
        "manager": seed.MANAGER_USERNAME,
        "client": seed.CLIENT_USERNAME,
        "director": seed.DIRECTOR_USERNAME,
    }
    clients, cookies = {"none": Client(), "api": Client()}, {}
    for login, username in usernames.items():
        clients[login] = Client()
        clients[login].force_login(User.objects.get(username=username))
        cookies[login] = clients[login].cookies["sessionid"].value
    statements = {}
    for target in TARGETS:
        client = clients[target.login]
        counts = []
        # Twice: the second is what a warm worker runs (first-use lookups are cached after).
        for _ in range(2):
            with CaptureQueriesContext(connection) as captured:
                response = _client_request(client, target, order_id, key)
            counts.append(len(captured.captured_queries))
        if response.status_code != target.status:
            raise SystemExit(
                f"{target.name}: {target.method} {target.path} answered "
                f"{response.status_code}, not {target.status}: {response.content[:300]!r}"
            )
        statements[target.name] = counts[-1]
    print(
        json.dumps({"key": key, "order_id": order_id, "cookies": cookies, "statements": statements})
    )


def _client_request(client, target, order_id, key):
    path = target.path.format(order_id=order_id)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if target.login == "api" else {}
    if target.method == "POST":
        body = API_ORDER if target.login == "api" else {}
        return client.post(path, data=body, content_type="application/json", **headers)
    return client.get(path, **headers)


def _cleanup():
    """Delete what the run wrote: the API's orders, the baseline's rows, the bench API keys."""
    import django

    django.setup()
    from api.models import ApiClient
    from notifications.models import OutboxMessage
    from orders.models import Order

    orders = Order.objects.filter(customer__external_id=seed.API_CUSTOMER_EXTERNAL_ID)
    order_ids = list(orders.values_list("pk", flat=True))
    OutboxMessage.objects.filter(aggregate_type="order", aggregate_id__in=order_ids).delete()
    deleted = orders.delete()[0] if order_ids else 0
    OutboxMessage.objects.filter(topic="bench.baseline").delete()
    for client in ApiClient.objects.filter(name="bench").select_related("user"):
        user = client.user
        client.delete()
        user.delete()
    print(json.dumps({"deleted": deleted}))


# ---- the load client


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Connection:
    """One keep-alive connection; reconnects when the server closes it."""

    def __init__(self, port):
        self.port = port
        self.connection = None

    def request(self, method, path, body, headers) -> int:
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                response.read()
                if response.will_close:
                    self.connection.close()
                    self.connection = None
                return response.status
            except (http.client.HTTPException, ConnectionError):
                self.connection.close()
                self.connection = None
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def close(self):
        if self.connection is not None:
            self.connection.close()


def _request_parts(target, context) -> tuple[str, str, bytes | None, dict]:
    path = target.path.format(order_id=context["order_id"])
    headers = {"Connection": "keep-alive"}
    if target.login == "api":
        headers["Authorization"] = f"Bearer {context['key']}"
    elif target.login != "none":
        headers["Cookie"] = f"sessionid={context['cookies'][target.login]}"
    body = None
    if target.method == "POST":
        body = json.dumps(API_ORDER if target.login == "api" else {}).encode()
        headers["Content-Type"] = "application/json"
    return target.method, path, body, headers


def _percentile(values, share) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _drive(port, parts, expected, *, connections, seconds) -> dict:
    """`connections` threads, each on its own keep-alive connection, for `seconds`."""
    latencies, unexpected = [], []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def run():
        connection = _Connection(port)
        mine, wrong = [], []
        try:
            while time.monotonic() < stop_at:
                started = time.perf_counter()
                status = connection.request(*parts)
                mine.append(time.perf_counter() - started)
                if status != expected:
                    wrong.append(status)
        finally:
            connection.close()
            with lock:
                latencies.extend(mine)
                unexpected.extend(wrong)

    started = time.perf_counter()
    threads = [threading.Thread(target=run) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {
        "requests": len(latencies),
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p99_ms": round(_percentile(latencies, 0.99) * 1000, 2),
        "unexpected": len(unexpected),
        "unexpected_statuses": sorted(set(unexpected))[:5],
    }


def _measure(port, target, context) -> dict:
    parts = _request_parts(target, context)
    warm = _Connection(port)
    for _ in range(WARMUP_REQUESTS):
        warm.request(*parts)
    warm.close()
    loaded = _drive(port, parts, target.status, connections=CONNECTIONS, seconds=SECONDS)
    alone = _drive(port, parts, target.status, connections=1, seconds=max(1.0, SECONDS / 3))
    return {**loaded, "one_user_p50_ms": alone["p50_ms"], "one_user_requests": alone["requests"]}


# ---- the servers


def _collectstatic():
    """Static files as the Dockerfile builds them: DEBUG=0 needs the manifest."""
    environment = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "collectstatic-only",
        "STATIC_ROOT": str(STATIC_ROOT),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=BASE_DIR,
        env=environment,
        check=True,
    )


def _start_redis(directory) -> tuple[subprocess.Popen | None, str]:
    if shutil.which("redis-server") is None:
        print("no redis-server: the broker is the default (SQLite); API create pays for it")
        return None, os.environ.get("CELERY_BROKER_URL", "")
    port = _free_port()
    process = subprocess.Popen(
        [
            *("redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""),
            *("--appendonly", "no", "--dir", str(directory)),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(0.5)
    return process, f"redis://127.0.0.1:{port}/0"


def _start_gunicorn(environment, port, log) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            str(BASE_DIR / ".venv" / "bin" / "gunicorn"),
            "config.wsgi:application",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = _Connection(port)
            if connection.request("GET", "/health/", None, {}) == 200:
                connection.close()
                return process
        except OSError:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.3)
    process.terminate()
    raise SystemExit("gunicorn did not answer /health/ within 60 s")


def _stop(process):
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _child(mode, environment) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, mode],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"{mode} on {environment['DATABASE_URL']}:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _database_facts(scale) -> dict:
    import psycopg

    with psycopg.connect(seed.database_url(scale)) as connection:
        orders = connection.execute("SELECT count(*) FROM orders_order").fetchone()[0]
        size = connection.execute("SELECT pg_database_size(current_database())").fetchone()[0]
        version = connection.execute("SHOW server_version").fetchone()[0]
    return {"orders": orders, "database_bytes": size, "postgresql": version}


# ---- the summary


@dataclass
class Row:
    target: str
    scale: str
    rps: float
    ratio: float | None
    p50_ms: float
    p99_ms: float
    one_user_p50_ms: float
    statements: int
    scale_ratio: float | None = None
    reference_ratio: float | None = None
    unexpected: int = 0
    checks: list = field(default_factory=list)


def _median(values):
    values = [value for value in values if value is not None]
    return round(statistics.median(values), 2) if values else None


def summarise(rounds: list[dict], statements: dict) -> list[Row]:
    """Medians over the rounds; each ratio is taken within its round, then the median."""
    rows = {}
    for target in TARGETS:
        for scale in SCALES:
            runs = [run[scale][target.name] for run in rounds if scale in run]
            ratios = [
                run[scale][target.name]["rps"] / run[scale][target.baseline]["rps"]
                for run in rounds
                if scale in run and target.baseline
            ]
            reference_ratios = [
                run[scale][target.name]["rps"] / run[scale][target.reference]["rps"]
                for run in rounds
                if scale in run and target.reference
            ]
            rows[target.name, scale] = Row(
                target=target.name,
                scale=scale,
                rps=_median([r["rps"] for r in runs]),
                ratio=_median(ratios),
                reference_ratio=_median(reference_ratios),
                p50_ms=_median([r["p50_ms"] for r in runs]),
                p99_ms=_median([r["p99_ms"] for r in runs]),
                one_user_p50_ms=_median([r["one_user_p50_ms"] for r in runs]),
                statements=statements[scale][target.name],
                unexpected=sum(r["unexpected"] for r in runs),
            )
    if "10k" in SCALES and "1m" in SCALES:
        for target in TARGETS:
            small, large = rows[target.name, "10k"], rows[target.name, "1m"]
            large.scale_ratio = round(large.one_user_p50_ms / small.one_user_p50_ms, 2)
    for (name, scale), row in rows.items():
        row.checks = _checks(TARGETS_BY_NAME[name], scale, row)
    return list(rows.values())


def _checks(target, scale, row) -> list[dict]:
    checks = []

    def check(what, met, value):
        checks.append({"target": what, "met": bool(met), "value": value})

    if target.min_ratio is not None and row.ratio is not None:
        check(
            f"≥ {target.min_ratio:.2f} of {target.baseline}",
            row.ratio >= target.min_ratio,
            row.ratio,
        )
    if target.max_statements is not None:
        check(
            f"≤ {target.max_statements} statements",
            row.statements <= target.max_statements,
            row.statements,
        )
    if scale == "1m" and target.max_one_user_ms_1m is not None:
        check(
            f"one user p50 ≤ {target.max_one_user_ms_1m:g} ms at 1M",
            row.one_user_p50_ms <= target.max_one_user_ms_1m,
            row.one_user_p50_ms,
        )
    if row.scale_ratio is not None and not target.name.startswith("baseline"):
        check(
            f"1M within {MAX_SCALE_RATIO}× of 10k",
            row.scale_ratio <= MAX_SCALE_RATIO,
            row.scale_ratio,
        )
    if row.unexpected:
        check("every answer as expected", False, row.unexpected)
    return checks


def markdown(rows: list[Row], meta: dict) -> str:
    lines = [
        f"# Performance at scale, {meta['date']}",
        "",
        f"gunicorn {WORKERS} sync workers, DEBUG=0, PostgreSQL {meta['postgresql']}; "
        f"{CONNECTIONS} connections for {SECONDS:g} s per target, then one user for "
        f"{max(1.0, SECONDS / 3):.1f} s; median of {meta['rounds']} round(s), scales alternating. "
        f"Machine: {meta['cpus']} CPUs, load average {meta['load_before']} before and "
        f"{meta['load_after']} after.",
        "",
        "Ratio: requests/s over the baseline's in the same round (API create over one-INSERT, "
        "the others over one-SELECT; API create also over one INSERT through the API's own key "
        "check and throttle, for reference, with no target). 1M/10k: one-user p50 at 1M over "
        "10k; the baselines' own 1M/10k is what the machine's load alone does to it. "
        "Statements: one warm request through Django's test client.",
        "",
        "| target | scale | req/s | ratio | p50 ms | p99 ms | one-user p50 ms | 1M/10k "
        "| statements | targets |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        target = TARGETS_BY_NAME[row.target]
        checks = "; ".join(
            f"{'met' if c['met'] else '**not met**'}: {c['target']} ({c['value']})"
            for c in row.checks
        )
        if row.reference_ratio is not None:
            checks += f"; for reference: {row.reference_ratio} of {target.reference}"
        lines.append(
            f"| {target.label} | {row.scale} | {row.rps} | {_show(row.ratio)} | {row.p50_ms} "
            f"| {row.p99_ms} | {row.one_user_p50_ms} | {_show(row.scale_ratio)} "
            f"| {row.statements} | {checks} |"
        )
    missed = [(row, c) for row in rows for c in row.checks if not c["met"]]
    met = sum(1 for row in rows for c in row.checks if c["met"])
    lines += ["", f"Targets met: {met}; not met: {len(missed)}."]
    for row, c in missed:
        lines.append(
            f"- {TARGETS_BY_NAME[row.target].label} at {row.scale}: {c['target']} ({c['value']})"
        )
    sizes = ", ".join(
        f"{scale}: {facts['orders']:,} orders, {facts['database_bytes'] / 2**30:.2f} GiB"
        for scale, facts in meta["databases"].items()
    )
    lines += ["", f"Databases: {sizes}.", ""]
    return "\n".join(lines)


def _show(value):
    return "" if value is None else value


def _unused_name(today: str) -> str:
    # A second run the same day keeps the first's results (`<date>-2`, `-3`, ...).
    name, number = today, 1
    while (RESULTS / f"{name}.json").exists() or (RESULTS / f"{name}.md").exists():
        number += 1
        name = f"{today}-{number}"
    return name


def main():
    unknown = set(SCALES) - set(seed.SCALES)
    if unknown:
        raise SystemExit(f"BENCH_SCALES: unknown {', '.join(sorted(unknown))}")
    databases = {scale: _database_facts(scale) for scale in SCALES}
    load_before = os.getloadavg()
    print(f"collectstatic into {STATIC_ROOT}", flush=True)
    _collectstatic()
    secret_key = secrets.token_urlsafe(50)
    workdir = Path(tempfile.mkdtemp(prefix="bench-run-"))
    redis, broker = _start_redis(workdir)
    rounds, statements, order_ids = [], {}, {}
    try:
        for number in range(1, ROUNDS + 1):
            run = {}
            for scale in SCALES:
                environment = _environment(scale, secret_key, broker)
                context = _child("prepare", environment)
                statements[scale] = context["statements"]
                order_ids[scale] = context["order_id"]
                port = _free_port()
                with (workdir / f"gunicorn-{scale}.log").open("a") as log:
                    server = _start_gunicorn(environment, port, log)
                    try:
                        run[scale] = {}
                        for target in TARGETS:
                            run[scale][target.name] = result = _measure(port, target, context)
                            print(
                                f"round {number} {scale:>3} {target.label:<32} "
                                f"{result['rps']:7.1f} req/s  p50 {result['p50_ms']:7.1f} ms  "
                                f"p99 {result['p99_ms']:7.1f} ms  one user "
                                f"{result['one_user_p50_ms']:7.1f} ms  "
                                f"{context['statements'][target.name]} statements"
                                + (
                                    f"  {result['unexpected']} unexpected"
                                    if result["unexpected"]
                                    else ""
                                ),
                                flush=True,
                            )
                    finally:
                        _stop(server)
                _child("cleanup", environment)
            rounds.append(run)
    finally:
        if redis is not None:
            _stop(redis)
    rows = summarise(rounds, statements)
    today = datetime.now(tz=UTC).date().isoformat()
    meta = {
        "date": today,
        "rounds": ROUNDS,
        "seconds": SECONDS,
        "connections": CONNECTIONS,
        "workers": WORKERS,
        "scales": SCALES,
        "cpus": os.cpu_count(),
        "load_before": [round(value, 1) for value in load_before],
        "load_after": [round(value, 1) for value in os.getloadavg()],
        "postgresql": next(iter(databases.values()))["postgresql"],
        "databases": databases,
        "order_page_ids": order_ids,
        "gunicorn_logs": str(workdir),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = os.environ.get("BENCH_OUTPUT") or _unused_name(today)
    (RESULTS / f"{name}.json").write_text(
        json.dumps(
            {
                **meta,
                "targets": [asdict(target) for target in TARGETS],
                "rounds_raw": rounds,
                "statements": statements,
                "summary": [asdict(row) for row in rows],
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n"
    )
    table = markdown(rows, meta)
    (RESULTS / f"{name}.md").write_text(table)
    print()
    print(table)
    print(f"written {RESULTS / name}.json and .md; gunicorn logs in {workdir}")


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    if mode == "prepare":
        _prepare()
    elif mode == "cleanup":
        _cleanup()
    else:
        main()
