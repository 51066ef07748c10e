"""Whether an order may join a batch for 1C.

One bad document (no currency, a buyer without a name, a value the schema refuses) makes
1C reject the whole answer and never send `success`, so the exchange would stall on it.
Each order is checked alone, with the same schema 1C's format is defined by; one that
fails is held back with its reasons and the others go.
"""

from django.utils.translation import gettext as _
from lxml import etree

from integrations.onec.models import IntegrationProfile
from integrations.onec.order_documents import DocumentBuilder, add_order
from integrations.onec.schemas import schema_errors
from orders.models import Order


def _data_problems(order: Order) -> list[str]:
    problems = []
    if len(order.currency or "") != 3:
        problems.append(_("The order has no currency code."))
    if not (order.customer.name or "").strip():
        problems.append(_("The buyer has no name."))
    lines = list(order.lines.all())
    if not lines and not order.delivery_cost and not order.service_cost:
        problems.append(_("The order has no lines."))
    if any(not (line.name or "").strip() and line.item is None for line in lines):
        problems.append(_("A line has no name."))
    return problems


def order_document_checked(
    order: Order, *, profile: IntegrationProfile, builder: DocumentBuilder
) -> tuple[etree._Element | None, list[str]]:
    """The order's `Документ`, or None with the reasons it would make 1C refuse the batch."""
    problems = _data_problems(order)
    if problems:
        return None, problems
    alone = builder.root(version=profile.schema_version, now=order.created_at)
    document = add_order(builder, alone, order)
    errors = schema_errors(alone, profile.schema_version)
    if errors:
        return None, [_("The document breaks the CommerceML schema: %s") % "; ".join(errors[:5])]
    return document, []
