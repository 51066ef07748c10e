"""The order's documents as PDFs: which exist now, and each one rendered once and kept.

A document is made from a source (a quote version, an invoice, the accepted quote for
the contract, the closed order for the act). The first request renders it with
WeasyPrint from a template and stores the file; later requests get the same file, so
what the client downloads is what was sent. A new source (a new quote version, another
invoice) is a new version of that kind of document.
"""

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from weasyprint import HTML

from billing.documents.words import amount_in_words
from billing.models import CompanyProfile, Document
from core.money import to_kopecks, vat_included
from orders.errors import OrderTransitionError
from orders.lifecycle import OrderKind, State
from orders.models import Invoice, Order, Quote
from orders.money_summary import InvoiceFigures, money_summary

FONT_DIR = Path(__file__).resolve().parent / "fonts"
AFTER_CONTRACT = (State.PAYMENT, State.PRODUCTION, State.DELIVERY, State.CLOSED, State.SERVICE)


class DocumentUnavailableError(OrderTransitionError):
    """Cannot be made now (no company details yet): the API answers 409, portals a message."""


@dataclass(frozen=True)
class DocumentSpec:
    kind: str
    source: str
    number: str
    title: str
    quote: Quote | None = None
    invoice: Invoice | None = None

    @property
    def slug(self) -> str:
        return f"{self.kind}-{self.source.split(':', 1)[1]}"


def documents_available(order: Order) -> list[DocumentSpec]:
    """What can be downloaded for the order now; reads the prefetched quotes when there.

    A support request has none: no quote, contract, invoice or act is made for a ticket,
    whatever its state (a closed ticket is not a delivered order to sign off).
    """
    if order.kind == OrderKind.SUPPORT:
        return []
    quotes = sorted(order.quotes.all(), key=lambda quote: quote.version)
    specs = [
        DocumentSpec(
            Document.Kind.QUOTE,
            f"quote:{quote.version}",
            f"{order.number}/{quote.version}",
            _("Commercial proposal, version %(version)s") % {"version": quote.version},
            quote=quote,
        )
        for quote in quotes
        if quote.sent_at is not None
    ]
    accepted = [quote for quote in quotes if quote.status == Quote.Status.ACCEPTED]
    uses_contract = order.workflow is None or order.workflow.uses_contract
    if accepted and uses_contract and order.state in (State.CONTRACT, *AFTER_CONTRACT):
        quote = accepted[-1]
        specs.append(
            DocumentSpec(
                Document.Kind.CONTRACT,
                f"contract:{quote.version}",
                order.number,
                _("Contract"),
                quote=quote,
            )
        )
    specs.extend(
        DocumentSpec(
            Document.Kind.INVOICE,
            f"invoice:{invoice.pk}",
            invoice.number,
            _("Invoice %(number)s") % {"number": invoice.number},
            invoice=invoice,
        )
        for invoice in order.invoices.all()
        if invoice.status != Invoice.Status.CANCELLED
    )
    specs.extend(
        DocumentSpec(
            Document.Kind.SIGNED,
            document.source,
            document.number,
            _("Signed contract, copy %(version)s") % {"version": document.version},
        )
        for document in order.documents.all()
        if document.kind == Document.Kind.SIGNED
    )
    if order.state in (State.CLOSED, State.SERVICE):
        specs.append(DocumentSpec(Document.Kind.ACT, "act:1", order.number, _("Acceptance act")))
    return specs


def document_spec_find(order: Order, slug: str) -> DocumentSpec | None:
    return next((spec for spec in documents_available(order) if spec.slug == slug), None)


def document_get_or_create(*, order: Order, spec: DocumentSpec, by) -> Document:
    if order.kind == OrderKind.SUPPORT:
        # The callers find `spec` in `documents_available`; this holds for any other caller.
        raise DocumentUnavailableError(_("A support request has no documents."))
    existing = Document.objects.filter(order=order, kind=spec.kind, source=spec.source).first()
    if existing is not None:
        return existing
    if spec.kind == Document.Kind.SIGNED:
        raise DocumentUnavailableError(_("The signed copy is missing."))
    company = CompanyProfile.current()
    if company is None:
        raise DocumentUnavailableError(
            _("Company details are not set up yet: ask an administrator to fill them in.")
        )
    pdf = render_pdf(
        f"billing/documents/{spec.kind}.html", _context(order=order, spec=spec, company=company)
    )
    with transaction.atomic():
        # The order row serializes versions; a racing request finds the file made first.
        Order.objects.select_for_update(of=("self",)).get(pk=order.pk)
        existing = Document.objects.filter(order=order, kind=spec.kind, source=spec.source)
        if existing.exists():
            return existing.get()
        version = Document.objects.filter(order=order, kind=spec.kind).count() + 1
        document = Document(
            order=order,
            kind=spec.kind,
            source=spec.source,
            number=spec.number,
            version=version,
            created_by=by,
        )
        document.file.save(document.filename, ContentFile(pdf), save=False)
        document.save()
    return document


def render_pdf(template: str, context: dict) -> bytes:
    # The documents are Russian business papers, whatever language the viewer uses.
    with translation.override("ru"):
        html = render_to_string(template, {**context, "font_dir": FONT_DIR.as_uri()})
    return HTML(string=html, base_url=str(FONT_DIR)).write_pdf()


def _context(*, order: Order, spec: DocumentSpec, company: CompanyProfile) -> dict:
    lines = spec.quote.lines if spec.quote is not None else _order_lines(order)
    source = spec.quote if spec.quote is not None else order
    lines = [*lines, *_extra_lines(lines, source.delivery_cost, source.service_cost)]
    rows = [_row(position, line) for position, line in enumerate(lines, start=1)]
    total = spec.quote.total if spec.quote is not None else order.total
    vat = to_kopecks(sum((row["vat"] for row in rows), Decimal("0")))
    payable = spec.invoice.amount if spec.invoice is not None else total
    return {
        "company": company,
        "order": order,
        "customer": order.customer,
        "spec": spec,
        "invoice": spec.invoice,
        "quote": spec.quote,
        "rows": rows,
        "total": total,
        "vat": vat,
        "payable": payable,
        # Its label is made when the template reads it, in Russian like the rest (render_pdf).
        "invoice_figures": _invoice_figures(order, spec.invoice) if spec.invoice else None,
        "payable_words": amount_in_words(payable),
        "total_words": amount_in_words(total),
        "date": timezone.localdate(),
    }


def _invoice_figures(order: Order, invoice: Invoice) -> InvoiceFigures:
    """The invoice as the order's money summary names it, the same on every page."""
    figures = money_summary(order).invoices
    # An invoice issued after `order` was read is not among its prefetched ones.
    found = next((row for row in figures if row.invoice.pk == invoice.pk), None)
    return found or InvoiceFigures(invoice=invoice, order_total=order.total)


def _extra_lines(lines: list[dict], delivery: Decimal, service: Decimal) -> list[dict]:
    """Delivery and services as lines of their own, at the goods' highest VAT rate."""
    rate = max((int(line.get("vat_rate") or 0) for line in lines), default=-1)
    extras = [("Доставка", delivery), ("Сборка, монтаж и другие услуги", service)]
    return [
        {
            "name": name,
            "quantity": "1",
            "unit": "усл",
            "unit_price": str(amount),
            "vat_rate": rate,
            "line_total": str(amount),
        }
        for name, amount in extras
        if amount
    ]


def _order_lines(order: Order) -> list[dict]:
    return [
        {
            "name": line.name,
            "quantity": str(line.quantity),
            "unit": line.unit,
            "unit_price": str(line.unit_price),
            "discount_percent": str(line.discount_percent),
            "vat_rate": line.vat_rate,
            "line_total": str(line.line_total),
            "custom_values": line.custom_values,
            "custom_labels": line.custom_labels,
        }
        for line in order.lines.order_by("position")
    ]


def _row(position: int, line: dict) -> dict:
    total = Decimal(line["line_total"])
    rate = int(line.get("vat_rate") or 0)
    # -1 is "without VAT"; the price includes VAT where a rate applies.
    vat = vat_included(total, rate)
    labels = line.get("custom_labels") or {}
    details = [
        f"{labels.get(name, name)}: {value}"
        for name, value in (line.get("custom_values") or {}).items()
        if value not in ("", None)
    ]
    return {
        "position": position,
        "name": line["name"],
        "details": details,
        "quantity": Decimal(line["quantity"]).normalize(),
        "unit": line.get("unit", ""),
        "unit_price": Decimal(line["unit_price"]),
        "discount_percent": Decimal(line.get("discount_percent") or 0).normalize(),
        "vat_rate": rate,
        "vat": vat,
        "total": total,
    }
