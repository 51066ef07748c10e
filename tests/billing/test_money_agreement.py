"""One order's money reads the same everywhere: the client's order page, the manager's,
the invoice PDF, the payment email and the API give one total, one paid, one due now and
one invoice with one label (`orders.money_summary`).

The figures are parsed as numbers ("113 600,00" with non-breaking spaces), not compared
as strings, so a format of its own per place would not hide a different amount.
"""

import re
import shutil
import subprocess
from decimal import Decimal

import lxml.html
import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from accounts.roles import Role
from api.services import api_client_create
from notifications.dispatch import delivery_attempt, outbox_message_dispatch
from notifications.models import OutboxMessage
from orders.lifecycle import OrderKind, State
from orders.models import Invoice, Order
from orders.money_summary import money_summary
from orders.services import LineInput, invoice_issue, order_create, payment_record
from tests.catalog.factories import ItemFactory
from tests.orders.factories import WorkflowFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils (make test)"),
]

AMOUNT = r"(\d{1,3}(?:[\s\u00a0\u202f]\d{3})*,\d{2})"


def number(text: str) -> Decimal:
    """ "113 600,00 ₽" (any spaces between thousands) as Decimal("113600.00")."""
    digits = re.sub(r"[\s\u00a0\u202f₽]|RUB", "", text)
    return Decimal(digits.replace(",", "."))


def _texts(html: str, scope: str) -> dict:
    root = lxml.html.fromstring(html).xpath(f'//*[@data-testid="{scope}"]')[0]

    def first(testid):
        found = root.xpath(f'.//*[@data-testid="{testid}"]')
        return found[0].text_content() if found else None

    invoices = root.xpath('.//*[@data-testid="invoice"]')
    assert len(invoices) == 1
    return {
        "total": number(first("money-total")),
        "paid": number(first("amount-paid")),
        "balance": number(first("balance")),
        "due_now": number(first("due-now")),
        "invoice_amount": number(
            invoices[0].xpath('.//*[@data-testid="invoice-amount"]')[0].text_content()
        ),
        "invoice_label": invoices[0]
        .xpath('.//*[@data-testid="invoice-label"]')[0]
        .text_content()
        .strip(),
    }


def _pdf_text(tmp_path, content: bytes) -> str:
    pdf = tmp_path / "invoice.pdf"
    pdf.write_bytes(content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return " ".join(text.split())


def _deliver_pending() -> None:
    for message in OutboxMessage.objects.filter(status="pending").order_by("id"):
        for delivery_id in outbox_message_dispatch(message.pk):
            delivery_attempt(delivery_id)


@pytest.fixture
def order(client_contact, manager_user):
    """113,600 agreed 100% up front; the manager invoices 50,000 of it, 20,000 arrives."""
    client_contact.user.email = "buyer@example.com"
    client_contact.user.language = "ru"
    client_contact.user.save()
    workflow = WorkflowFactory(uses_quote=False, uses_contract=False, prepayment_percent=100)
    placed = order_create(
        customer=client_contact.customer,
        contact=client_contact,
        kind=OrderKind.PRODUCT,
        lines=[LineInput(ItemFactory(name="Шкаф-купе", price=Decimal("56800.00")), 2)],
        by=None,
        channel=Order.Channel.MANAGER,
    )
    Order.objects.filter(pk=placed.pk).update(
        state=State.PAYMENT, workflow=workflow, prepayment_percent=Decimal("100")
    )
    placed = Order.objects.get(pk=placed.pk)
    invoice_issue(
        order=placed, kind=Invoice.Kind.PREPAYMENT, amount=Decimal("50000.00"), by=manager_user
    )
    _deliver_pending()
    mail.outbox.clear()
    payment_record(order=placed, amount=Decimal("20000.00"), by=manager_user)
    return Order.objects.get(pk=placed.pk)


EXPECTED = {
    "total": Decimal("113600.00"),
    "paid": Decimal("20000.00"),
    "balance": Decimal("93600.00"),
    # What the open invoice still asks: not the 93,600 the agreed 100% would ask.
    "due_now": Decimal("30000.00"),
    "invoice_amount": Decimal("50000.00"),
    "invoice_label": "Предоплата (44%)",
}


def test_every_place_shows_the_same_figures(order, client_contact, manager_user, company, tmp_path):
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    client.force_login(client_contact.user)
    manager_user.language = "ru"
    manager_user.save()
    manager = Client(HTTP_ACCEPT_LANGUAGE="ru")
    manager.force_login(manager_user)
    _api_client, key = api_client_create(
        name="1C", scopes=["read"], groups=Group.objects.filter(name=str(Role.MANAGER))
    )
    api = APIClient(HTTP_ACCEPT_LANGUAGE="ru")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    invoice = order.invoices.get()

    client_page = client.get(reverse("portals_client:order_page", args=[order.pk]))
    manager_page = manager.get(reverse("portals_manager:order_page", args=[order.pk]))
    pdf = client.get(reverse("billing:document", args=[order.pk, f"invoice-{invoice.pk}"]))
    body = api.get(f"/api/v1/orders/{order.pk}/").json()
    _deliver_pending()

    on_client_page = _texts(client_page.content.decode(), "payment")
    on_manager_page = _texts(manager_page.content.decode(), "money")
    pdf_text = _pdf_text(tmp_path, b"".join(pdf.streaming_content))
    in_pdf = {
        "total": number(re.search(rf"Итого: {AMOUNT}", pdf_text).group(1)),
        "invoice_label": re.search(r"(Предоплата[^:]*|Окончательный расчёт[^:]*):", pdf_text)
        .group(1)
        .strip(),
        "invoice_amount": number(re.search(rf"Предоплата[^:]*: {AMOUNT}", pdf_text).group(1)),
    }
    (api_invoice,) = body["invoices"]
    in_api = {
        "total": Decimal(body["total"]),
        "paid": Decimal(body["amount_paid"]),
        "balance": Decimal(body["balance"]),
        "due_now": Decimal(body["amount_due_now"]),
        "invoice_amount": Decimal(api_invoice["amount"]),
        "invoice_label": api_invoice["label"],
    }
    (email,) = [message for message in mail.outbox if message.to == ["buyer@example.com"]]
    with translation.override("ru"):
        labels = {
            key: translation.gettext(text)
            for key, text in [("total", "Total"), ("paid", "Paid"), ("due_now", "To pay now")]
        }
    in_email = {
        key: number(re.search(rf"^{label}: {AMOUNT}", email.body, re.M).group(1))
        for key, label in labels.items()
    }
    invoice_line = re.search(rf"· ([^·]+) · {AMOUNT} ₽$", email.body, re.M)
    in_email |= {
        "invoice_label": invoice_line.group(1),
        "invoice_amount": number(invoice_line.group(2)),
    }

    assert on_client_page == on_manager_page == EXPECTED
    assert in_api == EXPECTED
    assert in_pdf == {key: EXPECTED[key] for key in in_pdf}
    assert in_email == {key: EXPECTED[key] for key in in_email}


def test_without_an_open_invoice_due_now_is_what_the_terms_ask(order, manager_user):
    payment_record(order=order, amount=Decimal("30000.00"), by=manager_user)

    summary = money_summary(Order.objects.get(pk=order.pk))

    # The invoice is paid; the agreed 100% up front asks the rest.
    assert [row.invoice.status for row in summary.invoices] == [Invoice.Status.PAID]
    assert (summary.paid, summary.due_now, summary.balance) == (
        Decimal("50000.00"),
        Decimal("63600.00"),
        Decimal("63600.00"),
    )


def test_an_open_invoice_is_what_is_due_even_below_the_agreed_share(order):
    order.invoices.update(status=Invoice.Status.CANCELLED)
    invoice_issue(order=order, kind=Invoice.Kind.PREPAYMENT, amount=Decimal("70000.00"), by=None)

    summary = money_summary(Order.objects.get(pk=order.pk))

    # Money received counts towards the invoices oldest first, as `invoices_settle` books
    # it: 70,000 asked, 20,000 already paid. The agreed 100% would ask 93,600.
    assert summary.due_now == Decimal("50000.00")
    assert [row.label for row in summary.invoices if row.is_open] == ["Prepayment (62%)"]
