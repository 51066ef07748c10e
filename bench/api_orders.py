"""API order creation throughput on PostgreSQL with gunicorn, against a one-INSERT baseline.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench \
        .venv/bin/python bench/api_orders.py

Migrates the database (created if missing), seeds a customer, two items and an API key,
starts gunicorn (2 sync workers, bench.settings, DEBUG off) on a free port of 127.0.0.1,
then drives it from client threads: the baseline endpoint (one INSERT, bench/urls.py),
POST /api/v1/orders/ (two lines, through order_create: event and outbox row), and the
same with an Idempotency-Key. Each phase stops at BENCH_COUNT requests or BENCH_SECONDS.
Prints requests/s and each ratio to the baseline; gunicorn is stopped at the end.
"""

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import django

BASE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/crm_bench")
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
os.environ.setdefault("DEBUG", "1")  # for this process's setup only; gunicorn runs with it off

COUNT = int(os.environ.get("BENCH_COUNT", "3000"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "20"))
THREADS = int(os.environ.get("BENCH_THREADS", "8"))
WORKERS = 2


def _ensure_database(url):
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        if not connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def _seed():
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from api.services import api_client_create
    from catalog.models import Item
    from customers.models import Customer

    call_command("migrate", verbosity=0)
    Customer.objects.get_or_create(external_id="BENCH-C", defaults={"name": "Bench"})
    for number in range(2):
        Item.objects.get_or_create(
            external_id=f"BENCH-{number}",
            defaults={"sku": f"BENCH-API-{number}", "name": f"Bench {number}", "price": 100},
        )
    _client, key = api_client_create(
        name="bench", scopes=["read", "write"], groups=Group.objects.filter(name="manager")
    )
    return key


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_gunicorn(port):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "0",
        "SECRET_KEY": uuid.uuid4().hex * 2,
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "API_THROTTLE_RATE": "100000000/minute",
        "LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(
        [
            str(BASE_DIR / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env=environment,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            status, _body = _request(port, "GET", "/health/", None, {})
            if status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn did not answer /health/ within 30 s")


def _request(port, method, path, body, headers):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        payload = json.dumps(body).encode() if body is not None else None
        connection.request(
            method, path, body=payload, headers={"Content-Type": "application/json", **headers}
        )
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _phase(label, port, path, make_request, expected_status):
    """Send requests from THREADS threads until COUNT are done or SECONDS have passed."""
    sent = 0
    lock = threading.Lock()
    latencies, failures = [], []
    stop_at = time.monotonic() + SECONDS

    def run():
        nonlocal sent
        while time.monotonic() < stop_at:
            with lock:
                if sent >= COUNT:
                    return
                sent += 1
            body, headers = make_request()
            started = time.perf_counter()
            status, content = _request(port, "POST", path, body, headers)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if status != expected_status:
                    failures.append((status, content[:200]))

    for _warmup in range(20):
        body, headers = make_request()
        _request(port, "POST", path, body, headers)
    started = time.perf_counter()
    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    rate = len(latencies) / elapsed
    latencies.sort()
    p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)]
    print(
        f"{label:<40} {len(latencies):6d} requests  {rate:8.1f} req/s   "
        f"p50 {statistics.median(latencies) * 1000:6.1f} ms   p95 {p95 * 1000:6.1f} ms"
        + (f"   {len(failures)} unexpected, e.g. {failures[0]}" if failures else "")
    )
    return rate


def main():
    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        raise SystemExit("This benchmark needs PostgreSQL: set DATABASE_URL=postgres://...")
    _ensure_database(url)
    django.setup()
    key = _seed()
    port = _free_port()
    print(
        f"gunicorn {WORKERS} sync workers on 127.0.0.1:{port}, {THREADS} client threads, "
        f"up to {COUNT} requests or {SECONDS:.0f} s per phase, Django {django.get_version()}"
    )
    auth = {"Authorization": f"Bearer {key}"}
    order = {
        "kind": "product",
        "customer": {"external_id": "BENCH-C"},
        "lines": [
            {"item": {"external_id": "BENCH-0"}, "quantity": "1"},
            {"item": {"external_id": "BENCH-1"}, "quantity": "2"},
        ],
    }
    server = _start_gunicorn(port)
    try:
        baseline = _phase(
            "baseline: one INSERT (plain Django view)",
            port,
            "/bench/baseline/",
            lambda: (None, {}),
            201,
        )
        plain = _phase("POST /api/v1/orders/", port, "/api/v1/orders/", lambda: (order, auth), 201)
        keyed = _phase(
            "POST /api/v1/orders/ + Idempotency-Key",
            port,
            "/api/v1/orders/",
            lambda: (order, {**auth, "Idempotency-Key": uuid.uuid4().hex}),
            201,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"ratio order create / baseline: {plain / baseline:.2f}")
    print(f"ratio order create with Idempotency-Key / baseline: {keyed / baseline:.2f}")


if __name__ == "__main__":
    main()
