"""Past one machine: two app instances and two Celery workers on one PostgreSQL and one Redis.

    .venv/bin/python bench/two_instances.py        # DATABASE_URL: the PostgreSQL server to use

Everything is a separate process on its own port, as on separate machines: a throwaway
database on the server (created, migrated, demo-seeded, dropped at the end), a redis-server of
its own (never the shared one), an SMTP server that records what it receives, gunicorn A and
gunicorn B (2 sync workers each, DEBUG=0, production settings), Celery workers A and B
(distinct node names, both on the one queue) and one beat. The app keeps no state in its
processes: sessions, cache and rate-limit counters are in PostgreSQL, tasks in Redis, files in
the storage (a shared folder here; S3 in production, `config/storage_settings.py`).

Two measurements:
1. The manager's desk (first page), BENCH_CONNECTIONS keep-alive connections for BENCH_SECONDS:
   all on instance A, then half on A and half on B at the same time, then all on a control
   instance with as many gunicorn workers as A and B together (is a gain the second instance
   or only more processes?). Requests/s of each and the ratios, over BENCH_ROUNDS rounds.
2. BENCH_ORDERS orders created through the API, alternately on A and B from several threads,
   then wait until the outbox is empty: every email delivery of those orders must have reached
   the SMTP server exactly once (its X-CRM-Delivery header seen once), whichever worker sent it.

Prints a JSON summary and writes it to bench/results/two-instances-<date>.json.
"""

import json
import os
import re
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import requests

BASE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE_DIR))

from bench.run import _Connection, _drive  # noqa: E402
from tests.production.stack import (  # noqa: E402
    RedisServer,
    SmtpServer,
    Stack,
    compose_command,
    create_database,
    drop_database,
    free_port,
    wait_for,
)

SECONDS = float(os.environ.get("BENCH_SECONDS", "15"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
ORDERS = int(os.environ.get("BENCH_ORDERS", "200"))
GUNICORN_WORKERS = 2
WORKER_CONCURRENCY = "2"
DESK = "/manager/orders/"
MANAGER = "manager1"
RESULTS = Path(os.environ.get("BENCH_RESULTS", BASE_DIR / "bench" / "results"))
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _gunicorn(port: int, workers: int = GUNICORN_WORKERS) -> list[str]:
    return [
        *("gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}"),
        *("--workers", str(workers), "--log-level", "warning"),
    ]


def _worker(node: str) -> list[str]:
    command = compose_command("worker")
    command = [part for part in command if not part.startswith("--concurrency")]
    return [*command, f"--concurrency={WORKER_CONCURRENCY}", "-n", f"{node}@%h"]


def _login(stack: Stack, url: str) -> str:
    """A manager's session id, by the login form (the demo's password)."""
    password = (
        stack.manage("shell", "-c", "from accounts.demo import DEMO_PASSWORD; print(DEMO_PASSWORD)")
        .stdout.strip()
        .splitlines()[-1]
    )
    session = requests.Session()
    page = session.get(f"{url}/accounts/login/", timeout=30)
    session.post(
        f"{url}/accounts/login/",
        data={
            "username": MANAGER,
            "password": password,
            "csrfmiddlewaretoken": CSRF_INPUT.search(page.text).group(1),
        },
        headers={"Referer": f"{url}/accounts/login/"},
        timeout=30,
    )
    assert "sessionid" in session.cookies, f"{MANAGER} could not log in"
    return session.cookies["sessionid"]


def _desk(ports: list[int], session_id: str) -> dict:
    """The desk under CONNECTIONS connections shared out over `ports`, all at once."""
    parts = ("GET", DESK, None, {"Connection": "keep-alive", "Cookie": f"sessionid={session_id}"})
    for port in ports:
        warm = _Connection(port)
        for _ in range(5):
            assert warm.request(*parts) == 200
        warm.close()
    results = [None] * len(ports)

    def drive(index, port):
        share = CONNECTIONS // len(ports)
        results[index] = _drive(port, parts, 200, connections=share, seconds=SECONDS)

    threads = [threading.Thread(target=drive, args=item) for item in enumerate(ports)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "rps": round(sum(r["rps"] for r in results), 1),
        "per_instance_rps": [r["rps"] for r in results],
        "p50_ms": [r["p50_ms"] for r in results],
        "p99_ms": [r["p99_ms"] for r in results],
        "unexpected": sum(r["unexpected"] for r in results),
    }


def _order_body(api: requests.Session, url: str):
    """An order the demo's data accepts: a company customer and three plain products."""
    base = f"{url}/api/v1"
    customers = api.get(f"{base}/customers/", timeout=30).json()["results"]
    company = next(c for c in customers if c["kind"] == "company")
    items = api.get(f"{base}/items/", params={"limit": 100}, timeout=30).json()["results"]
    products = [i for i in items if i["kind"] == "product" and i["is_active"] and i["in_stock"]]

    def body(lines):
        return {
            "kind": "product",
            "customer": {"id": company["id"]},
            "lines": [{"item": {"id": item["id"]}, "quantity": "1"} for item in lines],
        }

    probe = api.post(f"{base}/orders/", json=body(products), timeout=30)
    refused = {int(path.split(".")[1]) for path in probe.json().get("errors", {})}
    plain = [item for index, item in enumerate(products) if index not in refused][:3]
    return body(plain)


def _create_orders(urls: list[str], api_key: str, body: dict) -> tuple[list[int], Counter, float]:
    """ORDERS orders, the i-th on urls[i % 2], from 8 threads; their ids and where each went."""
    local = threading.local()

    def create(index):
        if not hasattr(local, "session"):
            local.session = requests.Session()
            local.session.headers["Authorization"] = f"Bearer {api_key}"
        url = urls[index % len(urls)]
        response = local.session.post(f"{url}/api/v1/orders/", json=body, timeout=120)
        assert response.status_code == 201, response.text[:300]
        return response.json()["id"], url

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=8) as pool:
        created = list(pool.map(create, range(ORDERS)))
    elapsed = time.perf_counter() - started
    return [pk for pk, _ in created], Counter(url for _, url in created), elapsed


def _pending(stack: Stack) -> int:
    return stack.scalar(
        "SELECT (SELECT count(*) FROM notifications_outboxmessage WHERE status = 'pending')"
        " + (SELECT count(*) FROM notifications_delivery WHERE status = 'pending')"
    )


def _exactly_once(stack: Stack, order_ids: list[int]) -> dict:
    rows = stack.sql(
        "SELECT d.id, d.status FROM notifications_delivery d"
        " JOIN notifications_outboxmessage m ON m.id = d.outbox_message_id"
        " WHERE m.aggregate_type = 'order' AND m.aggregate_id = ANY(%s) AND d.channel = 'email'",
        (order_ids,),
    )
    expected = {str(pk) for pk, status in rows if status == "delivered"}
    received = Counter(stack.smtp.delivery_ids())
    ours = {pk: n for pk, n in received.items() if pk in expected}
    by_worker = stack.sql(
        "SELECT count(*) FROM notifications_outboxmessage"
        " WHERE aggregate_type = 'order' AND aggregate_id = ANY(%s) AND status = 'delivered'",
        (order_ids,),
    )[0][0]
    return {
        "orders": len(order_ids),
        "outbox_messages_delivered": by_worker,
        "email_deliveries": len(rows),
        "email_deliveries_delivered": len(expected),
        "emails_received_for_them": sum(ours.values()),
        "received_twice_or_more": sorted(pk for pk, n in ours.items() if n > 1),
        "never_received": sorted(expected - set(ours)),
        "exactly_once": bool(expected)
        and all(n == 1 for n in ours.values())
        and set(ours) == expected,
    }


def _tasks_by_worker(stack: Stack) -> dict:
    """Tasks each worker ran (its log's "succeeded" lines): both must have taken a share."""
    return {
        name: stack.log(name).count(" succeeded in ")
        for name in stack.processes
        if name.startswith("worker")
    }


def main():
    load_before = os.getloadavg()
    server_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    directory = Path(tempfile.mkdtemp(prefix="two-instances-"))
    name, database_url = create_database(server_url)
    redis = RedisServer(directory)
    redis.start()
    smtp = SmtpServer()
    smtp.start()
    stack = Stack(directory=directory, database_url=database_url, redis=redis, smtp=smtp)
    second_port, control_port = free_port(), free_port()
    try:
        stack.build_environment()
        collect = stack.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        )
        assert collect.returncode == 0, collect.stderr[-2000:]
        stack.manage("migrate", "--noinput")
        stack.manage("seed_demo")
        urls = [stack.url, f"http://127.0.0.1:{second_port}"]
        stack.start_process("web-a", _gunicorn(stack.port))
        stack.start_process("web-b", _gunicorn(second_port))
        # The control: one instance with as many processes as A and B together.
        stack.start_process("web-double", _gunicorn(control_port, 2 * GUNICORN_WORKERS))
        # The workers log at INFO: their "succeeded" lines tell who ran what.
        stack.environment["LOG_LEVEL"] = "INFO"
        stack.start_process("worker-a", _worker("a"))
        stack.start_process("worker-b", _worker("b"))
        stack.environment["LOG_LEVEL"] = "WARNING"
        stack.start_process("beat", compose_command("beat"))
        for url in [*urls, f"http://127.0.0.1:{control_port}"]:
            wait_for(
                lambda url=url: requests.get(f"{url}/health/", timeout=5).status_code == 200,
                timeout=90,
                what=f"gunicorn at {url}",
            )
        for worker in ("worker-a", "worker-b"):
            wait_for(lambda w=worker: "ready." in stack.log(w), timeout=90, what=worker)

        session_id = _login(stack, urls[0])  # one session, read by both instances from PostgreSQL
        desk = {"one_instance": [], "two_instances": [], "one_instance_double_workers": []}
        for _ in range(ROUNDS):
            desk["one_instance"].append(_desk([stack.port], session_id))
            desk["two_instances"].append(_desk([stack.port, second_port], session_id))
            desk["one_instance_double_workers"].append(_desk([control_port], session_id))
        ratios = {
            "two_instances_over_one": [
                round(two["rps"] / one["rps"], 2)
                for one, two in zip(desk["one_instance"], desk["two_instances"], strict=True)
            ],
            "one_instance_double_workers_over_one": [
                round(double["rps"] / one["rps"], 2)
                for one, double in zip(
                    desk["one_instance"], desk["one_instance_double_workers"], strict=True
                )
            ],
        }

        api_key = stack.manage(
            "create_api_key", "Two instances", "--scopes", "read,write", "--roles", "manager"
        ).stdout.strip()
        api = requests.Session()
        api.headers["Authorization"] = f"Bearer {api_key}"
        body = _order_body(api, urls[0])
        wait_for(lambda: _pending(stack) == 0, timeout=120, what="a quiet outbox")
        order_ids, per_instance, create_seconds = _create_orders(urls, api_key, body)
        started = time.perf_counter()
        wait_for(lambda: _pending(stack) == 0, timeout=600, interval=1, what="every delivery")
        drain_seconds = time.perf_counter() - started
        time.sleep(5)  # a late duplicate, if any, would arrive now
        summary = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "cpus": os.cpu_count(),
            "load_average_before": load_before,
            "load_average_after": os.getloadavg(),
            "settings": {
                "seconds": SECONDS,
                "rounds": ROUNDS,
                "connections": CONNECTIONS,
                "gunicorn_workers_per_instance": GUNICORN_WORKERS,
                "celery_concurrency_per_worker": int(WORKER_CONCURRENCY),
            },
            "desk": desk,
            "desk_ratios": ratios,
            "orders_through_api": {
                "per_instance": dict(per_instance),
                "create_seconds": round(create_seconds, 1),
                "orders_per_second": round(len(order_ids) / create_seconds, 1),
                "drain_seconds_after_last_create": round(drain_seconds, 1),
            },
            "notifications": _exactly_once(stack, order_ids),
            "tasks_succeeded_by_worker": _tasks_by_worker(stack),
        }
    finally:
        stack.stop()
        if redis.process and redis.process.poll() is None:
            redis.kill()
        if smtp.controller is not None:
            smtp.stop()
        drop_database(server_url, name)
    RESULTS.mkdir(parents=True, exist_ok=True)
    target = RESULTS / f"two-instances-{datetime.now(UTC):%Y-%m-%d}.json"
    target.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    print(f"written to {target}")


if __name__ == "__main__":
    main()
