"""A local stand-in for YooKassa that speaks the same protocol, for tests and the demo.

    python -m billing.gateway.fake --port 8011 --notify-url http://127.0.0.1:8000/billing/yookassa/notifications/

It keeps payments in memory and answers the API calls the client makes
(POST /v3/payments with Basic auth and an Idempotence-Key, GET /v3/payments/<id>,
POST /v3/refunds). Its checkout page (the `confirmation_url`) lets the payer pay or
cancel; then, like the real gateway, it posts a notification to the shop's URL and
sends the payer back to the `return_url`.
"""

import argparse
import base64
import html
import json
import sys
import threading
import uuid
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse
from urllib.request import Request, urlopen


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class FakeGateway:
    def __init__(self, *, shop_id="demo-shop", secret_key="demo-secret", notify_url="", port=0):  # noqa: S107 (the demo's own credentials)
        self.shop_id = shop_id
        self.secret_key = secret_key
        self.notify_url = notify_url
        self.payments: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.notifications_sent: list[dict] = []
        self._idempotence: dict[str, tuple[str, str]] = {}
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/v3"

    def start(self) -> "FakeGateway":
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # What the payer does on the checkout page; tests call it directly too.

    def complete(self, payment_id: str, *, succeed: bool = True, notify: bool = True) -> dict:
        with self._lock:
            payment = self.payments[payment_id]
            if payment["status"] == "pending":
                if succeed:
                    payment.update(status="succeeded", paid=True, captured_at=_now())
                else:
                    payment.update(
                        status="canceled",
                        cancellation_details={"party": "payer", "reason": "canceled_by_payer"},
                    )
            snapshot = json.loads(json.dumps(payment))
        if notify and self.notify_url:
            self.notify(snapshot)
        return snapshot

    def notify(self, payment: dict) -> int | None:
        body = {"type": "notification", "event": f"payment.{payment['status']}", "object": payment}
        self.notifications_sent.append(body)
        request = Request(  # noqa: S310 (the shop's configured URL)
            self.notify_url,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urlopen(request, timeout=10) as response:  # noqa: S310
                return response.status
        except OSError:
            return None  # the shop also checks the payment when the payer returns

    # The HTTP side.

    def _handler(self):
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format, *args):
                pass

            def do_GET(self):
                path = urlparse(self.path).path
                if path.startswith("/v3/payments/"):
                    if self._authorized():
                        payment = gateway.payments.get(path.rsplit("/", 1)[1])
                        if payment is None:
                            self._error(HTTPStatus.NOT_FOUND, "not_found", "Payment not found")
                        else:
                            self._json(HTTPStatus.OK, payment)
                elif path.startswith("/checkout/"):
                    self._checkout_page(path.rsplit("/", 1)[1])
                else:
                    self._error(HTTPStatus.NOT_FOUND, "not_found", "Unknown path")

            def do_POST(self):
                path = urlparse(self.path).path
                if path.startswith("/checkout/"):
                    self._checkout_submit(path.rsplit("/", 1)[1])
                elif path in ("/v3/payments", "/v3/refunds"):
                    if self._authorized():
                        self._create(path)
                else:
                    self._error(HTTPStatus.NOT_FOUND, "not_found", "Unknown path")

            def _authorized(self) -> bool:
                expected = base64.b64encode(
                    f"{gateway.shop_id}:{gateway.secret_key}".encode()
                ).decode()
                if self.headers.get("Authorization") == f"Basic {expected}":
                    return True
                self._error(HTTPStatus.UNAUTHORIZED, "invalid_credentials", "Wrong shop or key")
                return False

            def _create(self, path):
                key = self.headers.get("Idempotence-Key", "")
                if not key:
                    self._error(HTTPStatus.BAD_REQUEST, "invalid_request", "Idempotence-Key")
                    return
                try:
                    body = json.loads(self._body() or b"{}")
                    amount = body["amount"]
                    value = Decimal(str(amount["value"]))
                    currency = str(amount["currency"])
                except (ValueError, KeyError, TypeError, InvalidOperation):
                    self._error(HTTPStatus.BAD_REQUEST, "invalid_request", "amount")
                    return
                if value <= 0:
                    self._error(HTTPStatus.BAD_REQUEST, "invalid_request", "amount.value")
                    return
                with gateway._lock:
                    if key in gateway._idempotence:
                        kind, object_id = gateway._idempotence[key]
                        store = gateway.payments if kind == "payment" else gateway.refunds
                        self._json(HTTPStatus.OK, store[object_id])
                        return
                    if path == "/v3/payments":
                        created = self._new_payment(body, value, currency)
                    else:
                        created = self._new_refund(body, value, currency)
                        if created is None:
                            return
                    gateway._idempotence[key] = (
                        "payment" if path == "/v3/payments" else "refund",
                        created["id"],
                    )
                self._json(HTTPStatus.OK, created)

            def _new_payment(self, body, value, currency):
                payment_id = str(uuid.uuid4())
                return_url = (body.get("confirmation") or {}).get("return_url", "")
                payment = {
                    "id": payment_id,
                    "status": "pending",
                    "paid": False,
                    "amount": {"value": f"{value:.2f}", "currency": currency},
                    "confirmation": {
                        "type": "redirect",
                        "return_url": return_url,
                        "confirmation_url": f"{gateway.base_url}/checkout/{payment_id}",
                    },
                    "created_at": _now(),
                    "description": body.get("description", ""),
                    "metadata": body.get("metadata") or {},
                    "recipient": {"account_id": gateway.shop_id, "gateway_id": "fake"},
                    "refundable": False,
                    "test": True,
                }
                gateway.payments[payment_id] = payment
                return payment

            def _new_refund(self, body, value, currency):
                payment = gateway.payments.get(str(body.get("payment_id", "")))
                if payment is None or payment["status"] != "succeeded":
                    self._error(HTTPStatus.BAD_REQUEST, "invalid_request", "payment_id")
                    return None
                refunded = Decimal(payment.get("refunded_amount", {}).get("value", "0"))
                if refunded + value > Decimal(payment["amount"]["value"]):
                    self._error(HTTPStatus.BAD_REQUEST, "invalid_request", "amount.value")
                    return None
                payment["refunded_amount"] = {
                    "value": f"{refunded + value:.2f}",
                    "currency": currency,
                }
                refund = {
                    "id": str(uuid.uuid4()),
                    "payment_id": payment["id"],
                    "status": "succeeded",
                    "amount": {"value": f"{value:.2f}", "currency": currency},
                    "created_at": _now(),
                }
                gateway.refunds[refund["id"]] = refund
                return refund

            def _checkout_page(self, payment_id):
                payment = gateway.payments.get(payment_id)
                if payment is None:
                    self._html(HTTPStatus.NOT_FOUND, "<p>Unknown payment.</p>")
                    return
                amount = html.escape(
                    f"{payment['amount']['value']} {payment['amount']['currency']}"
                )
                description = html.escape(payment.get("description", ""))
                self._html(
                    HTTPStatus.OK,
                    f"<h1>Demo payment gateway</h1><p>{description}</p>"
                    f"<p>Amount: <strong id='amount'>{amount}</strong></p>"
                    "<p>Test card 5555 5555 5555 4477. No real money moves here.</p>"
                    f"<form method='post'><button name='action' value='pay'>Pay {amount}</button> "
                    "<button name='action' value='cancel'>Cancel</button></form>",
                )

            def _checkout_submit(self, payment_id):
                if payment_id not in gateway.payments:
                    self._html(HTTPStatus.NOT_FOUND, "<p>Unknown payment.</p>")
                    return
                action = parse_qs(self._body().decode()).get("action", [""])[0]
                payment = gateway.complete(payment_id, succeed=action == "pay")
                self.send_response(HTTPStatus.SEE_OTHER)
                self.send_header("Location", payment["confirmation"]["return_url"] or "/")
                self.end_headers()

            def _body(self) -> bytes:
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            def _json(self, status, data):
                payload = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def _error(self, status, code, description):
                self._json(
                    status,
                    {
                        "type": "error",
                        "id": str(uuid.uuid4()),
                        "code": code,
                        "description": description,
                    },
                )

            def _html(self, status, body):
                payload = (
                    "<!doctype html><html lang='en'><meta charset='utf-8'>"
                    f"<title>Demo payment</title><body>{body}</body></html>"
                ).encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8011)
    parser.add_argument("--shop-id", default="demo-shop")
    parser.add_argument("--secret-key", default="demo-secret")
    parser.add_argument("--notify-url", default="")
    options = parser.parse_args()
    gateway = FakeGateway(
        shop_id=options.shop_id,
        secret_key=options.secret_key,
        notify_url=options.notify_url,
        port=options.port,
    )
    sys.stdout.write(f"Fake payment gateway on {gateway.api_url}\n")
    sys.stdout.flush()
    try:
        gateway.server.serve_forever()
    except KeyboardInterrupt:
        gateway.stop()


if __name__ == "__main__":
    main()
