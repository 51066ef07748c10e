"""Outbound webhooks: signed as documented, retried with backoff, delivered once."""

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from api.services import api_client_create, webhook_subscription_create
from notifications.models import Delivery
from tests.conftest import wait_until

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("role_groups"),
]


class Receiver(ThreadingHTTPServer):
    """An integrator's endpoint: fails the first `failures` calls, then accepts."""

    def __init__(self, failures):
        super().__init__(("127.0.0.1", 0), ReceiverHandler)
        self.failures = failures
        self.calls = []
        self.lock = threading.Lock()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}/hooks/crm"


class ReceiverHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with self.server.lock:
            self.server.calls.append((dict(self.headers), body))
            status = 500 if len(self.server.calls) <= self.server.failures else 200
        self.send_response(status)
        self.end_headers()

    def log_message(self, *args):
        pass


def verify(secret: str, headers: dict, body: bytes) -> bool:
    """The receiver side, written from the documented algorithm only."""
    timestamp = headers["X-Webhook-Timestamp"]
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return hmac.compare_digest(headers["X-Signature"], f"sha256={expected.hexdigest()}")


@pytest.fixture
def receiver():
    server = Receiver(failures=2)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_a_webhook_failing_twice_is_delivered_once_on_the_third_attempt(
    celery_worker, receiver, placed_order
):
    client, _key = api_client_create(name="1C", scopes=["read"])
    subscription = webhook_subscription_create(
        client=client, url=receiver.url, events=["order.created"]
    )

    order = placed_order()

    assert wait_until(
        lambda: Delivery.objects.filter(channel="webhook", status="delivered").exists(), timeout=90
    )
    delivery = Delivery.objects.get(channel="webhook")
    assert delivery.attempts == 3
    assert delivery.response_status == 200
    assert len(receiver.calls) == 3
    event_ids = {headers["X-Webhook-Id"] for headers, _body in receiver.calls}
    assert len(event_ids) == 1  # the same event each time: the receiver can dedupe
    headers, body = receiver.calls[-1]
    assert verify(subscription.secret, headers, body)
    assert not verify("another-secret", headers, body)
    assert not verify(subscription.secret, headers, body.replace(b"created", b"cancelled"))
    payload = json.loads(body)
    assert (payload["topic"], payload["data"]["number"]) == ("order.created", order.number)
