"""A small client of the YooKassa API v3 (https://yookassa.ru/developers/api): the three
calls we need, create a payment, read it back, refund it.

The official SDK keeps its shop credentials and address in global class attributes;
these few requests, with explicit timeouts and errors, are easier to follow and to
point at the local fake.
"""

from dataclasses import dataclass, field
from decimal import Decimal

import requests
from django.conf import settings


class GatewayError(Exception):
    """The gateway could not be reached or refused the request; nothing was paid."""


@dataclass(frozen=True)
class GatewayPayment:
    id: str
    status: str
    paid: bool
    amount: Decimal
    currency: str
    confirmation_url: str = ""
    metadata: dict = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict) -> "GatewayPayment":
        try:
            return cls(
                id=str(data["id"]),
                status=str(data["status"]),
                paid=bool(data.get("paid", False)),
                amount=Decimal(str(data["amount"]["value"])),
                currency=str(data["amount"]["currency"]),
                confirmation_url=str((data.get("confirmation") or {}).get("confirmation_url", "")),
                metadata=dict(data.get("metadata") or {}),
            )
        except (KeyError, TypeError, ArithmeticError, ValueError) as error:
            raise GatewayError(f"Unreadable payment object: {error}") from error


def gateway_configured() -> bool:
    return bool(
        settings.PAYMENT_GATEWAY_URL
        and settings.PAYMENT_GATEWAY_SHOP_ID
        and settings.PAYMENT_GATEWAY_SECRET_KEY
    )


def _request(method: str, path: str, *, json=None, idempotence_key: str | None = None):
    headers = {"Idempotence-Key": idempotence_key} if idempotence_key else {}
    try:
        response = requests.request(
            method,
            f"{settings.PAYMENT_GATEWAY_URL}{path}",
            json=json,
            headers=headers,
            auth=(settings.PAYMENT_GATEWAY_SHOP_ID, settings.PAYMENT_GATEWAY_SECRET_KEY),
            timeout=settings.PAYMENT_GATEWAY_TIMEOUT_SECONDS,
        )
    except requests.RequestException as error:
        raise GatewayError(f"Gateway unreachable: {error}") from error
    return response


def _money(amount: Decimal, currency: str) -> dict:
    return {"value": f"{amount:.2f}", "currency": currency}


def payment_create(
    *,
    amount: Decimal,
    currency: str,
    description: str,
    return_url: str,
    idempotence_key: str,
    metadata: dict,
) -> GatewayPayment:
    response = _request(
        "POST",
        "/payments",
        json={
            "amount": _money(amount, currency),
            "capture": True,
            "confirmation": {"type": "redirect", "return_url": return_url},
            "description": description[:128],
            "metadata": metadata,
        },
        idempotence_key=idempotence_key,
    )
    if response.status_code != 200:
        raise GatewayError(
            f"Payment not created: HTTP {response.status_code} {response.text[:200]}"
        )
    return GatewayPayment.from_json(response.json())


def payment_fetch(payment_id: str) -> GatewayPayment | None:
    """The gateway's own account of a payment; None if it knows no such payment."""
    response = _request("GET", f"/payments/{requests.utils.quote(payment_id, safe='')}")
    if response.status_code == 404:
        return None
    if response.status_code != 200:
        raise GatewayError(f"Payment not read: HTTP {response.status_code}")
    return GatewayPayment.from_json(response.json())


def refund_create(*, payment_id: str, amount: Decimal, currency: str, idempotence_key: str) -> str:
    """Ask the gateway to return money to the card; returns the gateway's refund id."""
    response = _request(
        "POST",
        "/refunds",
        json={"payment_id": payment_id, "amount": _money(amount, currency)},
        idempotence_key=idempotence_key,
    )
    if response.status_code != 200:
        raise GatewayError(f"Refund refused: HTTP {response.status_code} {response.text[:200]}")
    data = response.json()
    if data.get("status") == "canceled":
        raise GatewayError("Refund refused by the gateway")
    return str(data["id"])
