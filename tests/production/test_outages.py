"""Outages of real processes under the production configuration: no order lost, none doubled.

Each outage is a process really going away: our own redis-server killed with SIGKILL, the
PostgreSQL backends serving the app terminated, the SMTP server stopped.
"""

import statistics
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import requests

from tests.production.stack import FIGURES, wait_for

CLIENTS = 8
ROUNDS_PER_CLIENT = 5


def _p95(seconds: list[float]) -> float:
    return statistics.quantiles(seconds, n=20)[-1]


def _client_rounds(stack, api_key, order_input, transition, rounds, log):
    """One client: create an order, then move it on; each request's outcome is logged."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {api_key}"
    for _ in range(rounds):
        started = time.monotonic()
        created = session.post(f"{stack.url}/api/v1/orders/", json=order_input(), timeout=120)
        log.append((started, time.monotonic() - started, created.status_code, "create"))
        if created.status_code != 201:
            continue
        started = time.monotonic()
        moved = session.post(
            f"{stack.url}/api/v1/orders/{created.json()['id']}/transitions/",
            json={"transition": transition},
            timeout=120,
        )
        log.append((started, time.monotonic() - started, moved.status_code, "transition"))


def _load(stack, api_key, order_input, transition, *, during=None) -> list[tuple]:
    log = []
    with ThreadPoolExecutor(CLIENTS) as pool:
        jobs = [
            pool.submit(
                _client_rounds, stack, api_key, order_input, transition, ROUNDS_PER_CLIENT, log
            )
            for _ in range(CLIENTS)
        ]
        if during is not None:
            during()
        for job in jobs:
            job.result()
    return log


def _first_transition(api, order_input) -> str:
    order = api.post(f"{api.base}/orders/", json=order_input(), timeout=30).json()
    options = api.get(f"{api.base}/orders/{order['id']}/transitions/", timeout=30).json()
    return next(option["name"] for option in options if option["name"] != "cancel")


def _undelivered(stack) -> int:
    return stack.scalar(
        "SELECT (SELECT count(*) FROM notifications_outboxmessage WHERE status = 'pending')"
        " + (SELECT count(*) FROM notifications_delivery WHERE status = 'pending')"
    )


def _wait_until_delivered(stack, *, timeout: float, what: str):
    try:
        wait_for(lambda: _undelivered(stack) == 0, timeout=timeout, what=what)
    except AssertionError as error:
        pending = stack.sql(
            "SELECT 'outbox', topic, status, 0, available_at::text, '' FROM"
            " notifications_outboxmessage WHERE status = 'pending' UNION ALL"
            " SELECT 'delivery', channel, status, attempts, next_attempt_at::text, last_error"
            " FROM notifications_delivery WHERE status = 'pending' LIMIT 20"
        )
        raise AssertionError(f"{error}; still pending: {pending}") from error


def _email_deliveries(stack, since_id: int) -> tuple[set[str], int]:
    rows = stack.sql(
        "SELECT id, status FROM notifications_delivery WHERE channel = 'email' AND id > %s",
        (since_id,),
    )
    return {str(pk) for pk, status in rows if status == "delivered"}, len(rows)


def _last_delivery_id(stack) -> int:
    return stack.scalar("SELECT coalesce(max(id), 0) FROM notifications_delivery")


def test_redis_killed_while_clients_create_and_move_orders(stack, api, api_key, order_input):
    transition = _first_transition(api, order_input)
    _wait_until_delivered(stack, timeout=60, what="a quiet outbox")
    first_delivery = _last_delivery_id(stack)

    up = _load(stack, api_key, order_input, transition)
    killed_at = []

    def kill_redis():
        time.sleep(0.5)
        killed_at.append(time.monotonic())
        stack.redis.kill()

    down = _load(stack, api_key, order_input, transition, during=kill_redis)
    during_outage = [entry for entry in down if entry[0] >= killed_at[0]]
    time.sleep(3)  # the outage goes on a little: the worker and beat have to notice it
    worker_alive_in_outage = stack.processes["worker"].poll() is None
    stack.redis.start()
    back_at = time.monotonic()
    _wait_until_delivered(stack, timeout=180, what="the deliveries after Redis")
    caught_up_seconds = time.monotonic() - back_at

    sent, due = _email_deliveries(stack, first_delivery)
    received = [d for d in stack.smtp.delivery_ids() if int(d) > first_delivery]
    p95_up, p95_down = _p95([e[1] for e in up]), _p95([e[1] for e in during_outage])
    FIGURES["redis outage"] = {
        "requests with Redis up": len(up),
        "requests during the outage": len(during_outage),
        "5xx": sum(1 for entry in up + down if entry[2] >= 500),
        "p95 up (ms)": round(p95_up * 1000),
        "p95 down (ms)": round(p95_down * 1000),
        "email deliveries due": due,
        "delivered": len(sent),
        "doubled": len(received) - len(set(received)),
        "all delivered after Redis returned (s)": round(caught_up_seconds),
    }
    assert [entry for entry in up + down if entry[2] not in (200, 201)] == []
    assert len(during_outage) >= CLIENTS
    assert p95_down <= 1.5 * p95_up, FIGURES["redis outage"]
    assert worker_alive_in_outage, stack.log("worker")[-3000:]
    assert stack.processes["worker"].poll() is None, stack.log("worker")[-3000:]
    assert due > 0
    assert len(sent) == due, FIGURES["redis outage"]
    assert sorted(received) == sorted(sent), FIGURES["redis outage"]


def test_smtp_refusing_loses_nothing(stack, api, order_input):
    _wait_until_delivered(stack, timeout=60, what="a quiet outbox")
    first_delivery = _last_delivery_id(stack)
    stack.smtp.stop()
    try:
        for _ in range(3):
            response = api.post(f"{api.base}/orders/", json=order_input(), timeout=30)
            assert response.status_code == 201, response.text

        def failed_once():
            return stack.scalar(
                "SELECT count(*) FROM notifications_delivery"
                " WHERE channel = 'email' AND id > %s AND attempts > 0 AND status = 'pending'",
                (first_delivery,),
            )

        wait_for(failed_once, timeout=60, what="a refused delivery attempt")
    finally:
        stack.smtp.start()
    _wait_until_delivered(stack, timeout=120, what="the deliveries after SMTP")

    sent, due = _email_deliveries(stack, first_delivery)
    received = [d for d in stack.smtp.delivery_ids() if int(d) > first_delivery]
    FIGURES["smtp outage"] = {
        "email deliveries due": due,
        "delivered": len(sent),
        "doubled": len(received) - len(set(received)),
    }
    assert due > 0
    assert len(sent) == due
    assert sorted(received) == sorted(sent)


DATABASE_CHAOS_SECONDS = 15
CREATE_ATTEMPTS = 200


def _create_until_answered(stack, api_key, order_input, outcomes):
    """Like a careful integration: one Idempotency-Key per order, retried after a 503."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {api_key}"
    key = str(uuid.uuid4())
    for _ in range(CREATE_ATTEMPTS):
        response = session.post(
            f"{stack.url}/api/v1/orders/",
            json=order_input(),
            headers={"Idempotency-Key": key},
            timeout=60,
        )
        outcomes.append(
            (
                response.status_code,
                response.headers.get("Content-Type", ""),
                response.headers.get("Retry-After"),
            )
        )
        if response.status_code in (200, 201):
            return key, response.json()["id"]
        time.sleep(0.2)
    return key, None


# Last: deliveries whose worker lost the database mid-send stay claimed for their claim's
# five minutes (then retried, never sent twice), which would hold up a later test.
def test_database_connections_dropped_mid_request(stack, api_key, order_input):
    database = stack.database_url.rsplit("/", 1)[1]
    before = stack.scalar("SELECT coalesce(max(id), 0) FROM orders_order")
    stop = threading.Event()
    kills = []

    # Connections die every 0.3 s for a window, then the database is left alone: every
    # order must then get its one answer, however slow the machine made the window.
    chaos_until = time.monotonic() + DATABASE_CHAOS_SECONDS

    def drop_connections():
        while not stop.wait(0.3) and time.monotonic() < chaos_until:
            kills.append(
                len(
                    stack.sql(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        " WHERE datname = %s AND pid <> pg_backend_pid()",
                        (database,),
                    )
                )
            )

    killer = threading.Thread(target=drop_connections)
    killer.start()
    outcomes = []
    try:
        with ThreadPoolExecutor(CLIENTS) as pool:
            created = list(
                pool.map(
                    lambda _: _create_until_answered(stack, api_key, order_input, outcomes),
                    range(120),
                )
            )
    finally:
        stop.set()
        killer.join()

    refused = [o for o in outcomes if o[0] == 503]
    orders = stack.sql(
        "SELECT o.id, count(l.id) FROM orders_order o"
        " LEFT JOIN orders_orderline l ON l.order_id = o.id WHERE o.id > %s GROUP BY o.id",
        (before,),
    )
    FIGURES["database drop"] = {
        "connections terminated": sum(kills),
        "requests": len(outcomes),
        "503": len(refused),
        "other errors": sum(1 for o in outcomes if o[0] not in (200, 201, 503)),
        "orders asked": len(created),
        "orders created": len(orders),
        "partial orders": sum(1 for _id, lines in orders if lines != 3),
    }
    assert [o for o in outcomes if o[0] not in (200, 201, 503)] == [], FIGURES["database drop"]
    assert all(o[1].startswith("application/problem+json") and o[2] for o in refused)
    assert all(order_id is not None for _key, order_id in created), FIGURES["database drop"]
    assert sorted(order_id for _key, order_id in created) == sorted(o[0] for o in orders)
    assert FIGURES["database drop"]["partial orders"] == 0
