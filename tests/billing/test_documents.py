"""The order's PDFs: rendered (pdftoppm opens them), readable, stored once, shown to few."""

import shutil
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.documents.generate import (
    document_get_or_create,
    document_spec_find,
    documents_available,
)
from billing.documents.words import amount_in_words
from billing.models import Document
from orders.lifecycle import DeliveryStatus, State
from orders.models import Invoice, Order, Quote
from orders.services import invoice_issue

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("pdftoppm"), reason="needs poppler-utils (make test)"),
]


def _download(client, order, slug):
    return client.get(reverse("billing:document", args=[order.pk, slug]))


def _pdf_text(tmp_path, content: bytes) -> str:
    pdf = tmp_path / "document.pdf"
    pdf.write_bytes(content)
    # pdftoppm fails on a file that is not a well-formed PDF.
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")],
        check=True,
        capture_output=True,
    )
    assert list(tmp_path.glob("page*.png"))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return " ".join(text.split())


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("1", "Один рубль 00 копеек"),
        ("21.21", "Двадцать один рубль 21 копейка"),
        ("1234.50", "Одна тысяча двести тридцать четыре рубля 50 копеек"),
        ("19001.00", "Девятнадцать тысяч один рубль 00 копеек"),
        ("2000002.02", "Два миллиона два рубля 02 копейки"),
    ],
)
def test_amounts_in_russian_words(amount, words):
    assert amount_in_words(Decimal(amount)) == words


def test_the_invoice_pdf_has_the_order_customer_lines_and_total_in_words(
    client, client_contact, order_at_payment, company, manager_user, tmp_path
):
    order = order_at_payment(percent="50")
    invoice = invoice_issue(order=order, kind=Invoice.Kind.PREPAYMENT, by=manager_user)
    client.force_login(client_contact.user)

    response = _download(client, order, f"invoice-{invoice.pk}")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"invoice-{invoice.number}-v1.pdf" in response["Content-Disposition"]
    text = _pdf_text(tmp_path, b"".join(response.streaming_content))
    assert f"Счёт на оплату № {invoice.number}" in text
    assert f"Заказ № {order.number}" in text
    assert "ООО «Василёк»" in text
    assert "Стол письменный" in text
    assert "Стул офисный" in text
    assert "19 001,00" in text  # the order total
    assert "9 500,50" in text  # the 50% prepayment asked
    assert "Девять тысяч пятьсот рублей 50 копеек" in text
    assert "ПАО Сбербанк" in text
    assert "40702810938000000001" in text


def test_the_quote_contract_and_act_render(
    client, client_contact, order_at_payment, company, tmp_path
):
    order = order_at_payment()
    lines = [
        {
            "name": line.name,
            "quantity": str(line.quantity),
            "unit": line.unit,
            "unit_price": str(line.unit_price),
            "discount_percent": "0",
            "vat_rate": line.vat_rate,
            "line_total": str(line.line_total),
            "custom_values": {"color": "дуб"},
            "custom_labels": {"color": "Цвет"},
        }
        for line in order.lines.all()
    ]
    Quote.objects.create(
        order=order,
        version=1,
        status=Quote.Status.ACCEPTED,
        lines=lines,
        total=order.total,
        sent_at=timezone.now(),
    )
    Order.objects.filter(pk=order.pk).update(
        state=State.CLOSED, delivery_status=DeliveryStatus.HANDED_TO_CLIENT
    )
    order.workflow.uses_contract = True
    order.workflow.save()
    client.force_login(client_contact.user)

    texts = {}
    for slug in ("quote-1", "contract-1", "act-1"):
        response = _download(client, order, slug)
        assert response.status_code == 200, slug
        folder = tmp_path / slug
        folder.mkdir()
        texts[slug] = _pdf_text(folder, b"".join(response.streaming_content))

    assert f"Коммерческое предложение № {order.number}/1" in texts["quote-1"]
    assert "Цвет: дуб" in texts["quote-1"]
    assert f"Договор № {order.number}" in texts["contract-1"]
    assert f"Акт № {order.number}" in texts["act-1"]
    for text in texts.values():
        assert "ООО «Василёк»" in text
        assert "Стол письменный" in text
        assert "Девятнадцать тысяч один рубль 00 копеек" in text


def test_a_document_is_stored_once_and_a_new_quote_is_a_new_version(
    client, client_contact, order_at_payment, company
):
    order = order_at_payment()
    for version in (1, 2):
        Quote.objects.create(
            order=order, version=version, lines=[], total=order.total, sent_at=timezone.now()
        )
    client.force_login(client_contact.user)

    first = b"".join(_download(client, order, "quote-1").streaming_content)
    again = b"".join(_download(client, order, "quote-1").streaming_content)
    _download(client, order, "quote-2")

    assert first == again
    assert list(Document.objects.order_by("version").values_list("source", "version")) == [
        ("quote:1", 1),
        ("quote:2", 2),
    ]


def test_documents_are_not_shown_to_another_client(
    client, client_user, order_at_payment, company, manager_user
):
    order = order_at_payment()
    invoice = invoice_issue(order=order, kind=Invoice.Kind.FINAL, by=manager_user)
    client.force_login(client_user)

    response = _download(client, order, f"invoice-{invoice.pk}")

    assert response.status_code == 404
    assert not Document.objects.exists()


def test_an_unknown_or_not_yet_available_document_is_404(
    client, client_contact, order_at_payment, company
):
    order = order_at_payment()
    client.force_login(client_contact.user)

    assert _download(client, order, "act-1").status_code == 404  # not closed yet
    assert _download(client, order, "invoice-999").status_code == 404
    assert documents_available(order) == []


def test_without_company_details_the_user_is_told_whom_to_ask(
    client, client_contact, order_at_payment, manager_user
):
    order = order_at_payment()
    invoice = invoice_issue(order=order, kind=Invoice.Kind.FINAL, by=manager_user)
    client.force_login(client_contact.user)

    response = client.get(
        reverse("billing:document", args=[order.pk, f"invoice-{invoice.pk}"]), follow=True
    )

    assert "Company details are not set up yet" in response.content.decode()
    assert not Document.objects.exists()


def test_the_documents_are_outside_public_media(
    client_contact, order_at_payment, company, settings
):
    order = order_at_payment()
    Quote.objects.create(
        order=order, version=1, lines=[], total=order.total, sent_at=timezone.now()
    )
    document = document_get_or_create(
        order=order, spec=document_spec_find(order, "quote-1"), by=None
    )

    assert str(settings.PRIVATE_MEDIA_ROOT) in document.file.path
    assert str(settings.MEDIA_ROOT) not in document.file.path


def test_the_documents_name_the_delivery_and_the_service(
    client, client_contact, order_at_payment, company, manager_user, tmp_path
):
    order = order_at_payment(percent="50")
    Order.objects.filter(pk=order.pk).update(
        delivery_method=Order.DeliveryMethod.COURIER,
        delivery_address="г. Москва, ул. Лесная, д. 5, кв. 12",
    )
    invoice = invoice_issue(order=order, kind=Invoice.Kind.PREPAYMENT, by=manager_user)
    client.force_login(client_contact.user)

    response = _download(client, order, f"invoice-{invoice.pk}")

    text = _pdf_text(tmp_path, b"".join(response.streaming_content))
    assert "Доставка: Курьер, г. Москва, ул. Лесная, д. 5, кв. 12" in text


def test_a_prepayment_invoice_is_named_by_the_share_it_asks_for(
    client, client_contact, order_at_payment, company, manager_user, tmp_path
):
    # Agreed 100% up front, but the client pays 9,000 of 19,001 first.
    order = order_at_payment(percent="100")
    invoice = invoice_issue(
        order=order, kind=Invoice.Kind.PREPAYMENT, amount=Decimal("9000.00"), by=manager_user
    )
    client.force_login(client_contact.user)

    response = _download(client, order, f"invoice-{invoice.pk}")
    page = client.get(
        reverse("portals_client:order_page", args=[order.pk]), HTTP_ACCEPT_LANGUAGE="ru"
    )

    text = _pdf_text(tmp_path, b"".join(response.streaming_content))
    assert "Предоплата (47%): 9 000,00" in text
    assert "Предоплата (100%)" not in text
    assert "Предоплата (47%)" in page.content.decode()
