"""What an invoice asks for, in words: the one rule pages, PDFs and the API label it by.

A prepayment is named by the share of the order it covers (its amount over the order's
total), not by the workflow's agreed percentage: an invoice for 50,000 on a 113,600
order is a 44% prepayment, whatever was agreed.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from orders.models import Invoice


def invoice_share_percent(invoice: Invoice, order_total: Decimal) -> Decimal | None:
    """The share of the order the invoice asks for, in whole percent (two places below 1%)."""
    if not order_total:
        return None
    share = Decimal(invoice.amount) * 100 / Decimal(order_total)
    places = Decimal("1") if share >= 1 else Decimal("0.01")
    return share.quantize(places, rounding=ROUND_HALF_UP)


def invoice_label(invoice: Invoice, order_total: Decimal) -> str:
    """ "Prepayment (44%)", "Prepayment in full", or "Final payment", in the active language."""
    if invoice.kind != Invoice.Kind.PREPAYMENT:
        return _("Final payment")
    share = invoice_share_percent(invoice, order_total)
    if share is None:
        return _("Prepayment")
    if share >= 100:
        return _("Prepayment in full")
    return _("Prepayment (%(share)s%%)") % {"share": number_format(share)}
