"""The ways a client can pay an order, behind one small interface.

Each provider says whether it can take a payment for an order now and, when the client
chooses it, where to send them next. Money is recorded later, by whoever learns of it:
the gateway's verified notification for cards, a manager or the accounting system (API)
for bank transfers.
"""

from dataclasses import dataclass
from typing import Protocol

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from billing.gateway.client import gateway_configured
from billing.models import CompanyProfile
from billing.services import online_payment_start
from orders.errors import OrderValidationError
from orders.lifecycle import State
from orders.models import Invoice, Order

CLOSED_STATES = (State.CANCELLED, State.CLOSED)


@dataclass(frozen=True)
class PaymentStart:
    """Where the payer goes next."""

    redirect_url: str


class PaymentProvider(Protocol):
    code: str
    label: str | Promise

    def available(self, order: Order, *, open_invoices: list[Invoice], due_now) -> bool: ...

    def start(self, *, order: Order, by, invoice: Invoice | None) -> PaymentStart: ...


class BankTransfer:
    """Pay by the invoice's bank details; the PDF carries them and the sum in words."""

    code = "bank_transfer"
    label = _("Bank transfer by invoice")

    def available(self, order, *, open_invoices, due_now) -> bool:
        return bool(open_invoices) and order.state not in CLOSED_STATES

    def start(self, *, order, by, invoice) -> PaymentStart:
        invoice = invoice or order.invoices.filter(status=Invoice.Status.ISSUED).last()
        if invoice is None or CompanyProfile.current() is None:
            raise OrderValidationError(
                {"provider": [_("There is no invoice to pay by bank transfer yet.")]}
            )
        return PaymentStart(reverse("billing:document", args=[order.pk, f"invoice-{invoice.pk}"]))


class CardGateway:
    """A card payment on the gateway's own page (YooKassa's protocol)."""

    code = "card"
    label = _("Bank card online")

    def available(self, order, *, open_invoices, due_now) -> bool:
        return (
            gateway_configured()
            and order.state not in CLOSED_STATES
            and (due_now > 0 or bool(open_invoices))
        )

    def start(self, *, order, by, invoice) -> PaymentStart:
        attempt = online_payment_start(order=order, by=by, invoice=invoice)
        return PaymentStart(attempt.confirmation_url)


PROVIDERS: dict[str, PaymentProvider] = {
    provider.code: provider for provider in (CardGateway(), BankTransfer())
}


def providers_available(order: Order, *, open_invoices: list[Invoice], due_now) -> list:
    return [
        provider
        for provider in PROVIDERS.values()
        if provider.available(order, open_invoices=open_invoices, due_now=due_now)
    ]


def payment_provider(code: str) -> PaymentProvider | None:
    return PROVIDERS.get(code)
