"""The VAT and the sums a document prints round half a kopeck up, as the order does."""

import shutil
import subprocess
from decimal import Decimal

import pytest
from django.utils import timezone

from billing.documents.generate import document_get_or_create, document_spec_find
from billing.documents.words import amount_in_words
from orders.models import Quote

pytestmark = pytest.mark.django_db


def _pdf_text(path) -> str:
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return " ".join(text.split())


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils (make test)")
def test_the_quote_pdf_prints_the_vat_rounded_half_up(order_at_payment, company, tmp_path):
    order = order_at_payment()
    # 1.50 less 50% is 0.75, of which VAT at 20% is 0.125.
    line = {
        "name": "Скрепка",
        "quantity": "1",
        "unit": "шт",
        "unit_price": "1.50",
        "discount_percent": "50",
        "vat_rate": 20,
        "line_total": "0.75",
    }
    Quote.objects.create(
        order=order, version=1, lines=[line], total=Decimal("0.75"), sent_at=timezone.now()
    )

    document = document_get_or_create(
        order=order, spec=document_spec_find(order, "quote-1"), by=None
    )

    pdf = tmp_path / "quote.pdf"
    pdf.write_bytes(document.file.read())
    assert "В том числе НДС: 0,13 ₽" in _pdf_text(pdf)


def test_a_sum_in_words_rounds_half_a_kopeck_up():
    assert amount_in_words(Decimal("0.125")) == "Ноль рублей 13 копеек"
