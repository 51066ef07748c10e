"""What 1C sends back about our orders (`mode=file` of the sale exchange), applied through
`orders.services` as any other source's facts.

1C resends what it already sent, repeats a `Номер` within one file and marks things in
several dialects, so each fact is applied idempotently: a payment carries a reference
made from 1C's payment number (recorded once), a shipment or status already reached is
left alone, and a cancelled order is not cancelled again.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from integrations.onec.models import IntegrationProfile, OrderExchange
from integrations.onec.xml_input import children, requisites, text_of
from orders import ledger
from orders.day_selectors import order_transition_to
from orders.errors import OrderError
from orders.lifecycle import State
from orders.models import Order
from orders.services import order_ship, order_transition, payment_record_or_get

TRUE_VALUES = {"true", "да", "1", "yes"}
SHIPPED_OR_LATER = (State.DELIVERY, State.CLOSED, State.SERVICE)
CANCEL_REASON = "Отменён в 1С"
_DATE_FORMATS = ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%d.%m.%Y %H:%M:%S")


@dataclass
class OrderChange:
    """One `Документ` of 1C's file, as far as it concerns us."""

    number: str
    document_id: str
    onec_number: str = ""
    onec_date: str = ""
    total: Decimal | None = None
    is_paid: bool = False
    payment_number: str = ""
    paid_at: datetime | None = None
    is_shipped: bool = False
    shipment_number: str = ""
    is_cancelled: bool = False
    status: str = ""


@dataclass
class ChangeResult:
    number: str
    notes: list[str] = field(default_factory=list)


def _flag(values: dict[str, str], *names: str) -> bool:
    return any(values.get(name, "").strip().lower() in TRUE_VALUES for name in names)


def parse_date(value: str) -> datetime | None:
    """1C's dates come in several shapes; an empty one may be just `T`."""
    value = (value or "").strip()
    if value in ("", "T") or value.startswith("0001-01-01"):
        return None
    for pattern in _DATE_FORMATS:
        try:
            return timezone.make_aware(datetime.strptime(value, pattern))  # noqa: DTZ007
        except ValueError:
            continue
    return None


def _decimal(value: str) -> Decimal | None:
    try:
        return Decimal(value.replace(",", ".").replace(" ", "")) if value else None
    except InvalidOperation:
        return None


def changes_from(root) -> list[OrderChange]:
    changes = []
    for document in children(root, "Документ"):
        values = requisites(document)
        payment_number = values.get("Номер оплаты по 1С") or values.get(
            "Номер платежного документа", ""
        )
        shipment_number = values.get("Номер отгрузки по 1С", "")
        total = _decimal(text_of(document, "Сумма"))
        changes.append(
            OrderChange(
                number=text_of(document, "Номер"),
                document_id=text_of(document, "Ид"),
                onec_number=values.get("Номер по 1С", "")[:100],
                onec_date=values.get("Дата по 1С", "")[:32],
                total=total,
                is_paid=bool(payment_number) or _flag(values, "Заказ оплачен", "Оплачен"),
                payment_number=payment_number[:80],
                paid_at=parse_date(
                    values.get("Дата оплаты по 1С") or values.get("Дата оплаты", "")
                ),
                is_shipped=bool(shipment_number) or _flag(values, "Отгружен"),
                shipment_number=shipment_number[:100],
                is_cancelled=_flag(values, "Отменен", "ПометкаУдаления")
                or (total is not None and total == 0),
                status=values.get("Статус заказа", "").strip(),
            )
        )
    return changes


def _find_order(change: OrderChange) -> Order | None:
    for number in (change.number, change.document_id):
        if number:
            order = Order.objects.filter(number=number).first()
            if order is not None:
                return order
    return None


def _record_payment(order: Order, change: OrderChange, by, result: ChangeResult) -> Order:
    reference = f"1C:{change.payment_number or 'paid'}"
    if order.payments.filter(reference=reference).exists():
        return order
    amount = ledger.outstanding(order)
    if amount <= 0:
        result.notes.append(_("paid in 1C; nothing is owed here"))
        return order
    payment_record_or_get(
        order=order, amount=amount, by=by, reference=reference, paid_at=change.paid_at
    )
    result.notes.append(_("payment %(amount)s recorded") % {"amount": amount})
    return Order.objects.get(pk=order.pk)


def _take_transition(order: Order, name: str, by) -> Order:
    if name == "ship":
        return order_ship(order=order, by=by)
    return order_transition(order=order, transition=name, by=by, reason=CANCEL_REASON)


def _record_shipment(order: Order, change: OrderChange, by, result: ChangeResult) -> Order:
    if order.state in SHIPPED_OR_LATER:
        return order
    if order.state != State.PRODUCTION:
        result.notes.append(_("shipped in 1C; the order is not ready to ship here"))
        return order
    order = order_ship(order=order, by=by, tracking_number=change.shipment_number)
    result.notes.append(_("shipped"))
    return order


def _apply_status(order: Order, status: str, profile, by, result: ChangeResult) -> Order:
    mapping = {m.onec_status.casefold(): m.state for m in profile.status_mappings.all()}
    target = mapping.get(status.casefold())
    if target is None:
        result.notes.append(_("status “%(status)s” is not mapped") % {"status": status})
        return order
    if order.state == target:
        return order
    name = order_transition_to(order=order, target=target)
    if name is None:
        result.notes.append(
            _("no step leads from %(from)s to %(to)s") % {"from": order.state, "to": target}
        )
        return order
    order = _take_transition(order, name, by)
    result.notes.append(_("moved to %(state)s") % {"state": order.state})
    return order


def _apply_one(order: Order, change: OrderChange, profile, result: ChangeResult) -> Order:
    by = profile.service_user
    steps = []
    if change.is_paid:
        steps.append(lambda current: _record_payment(current, change, by, result))
    if change.is_cancelled:
        steps.append(
            lambda current: (
                current
                if current.state == State.CANCELLED
                else _take_transition(current, "cancel", by)
            )
        )
    else:
        if change.is_shipped:
            steps.append(lambda current: _record_shipment(current, change, by, result))
        if change.status:
            steps.append(lambda current: _apply_status(current, change.status, profile, by, result))
    for step in steps:
        # Each fact on its own: a refused transition does not undo a recorded payment.
        try:
            order = step(order)
        except OrderError as error:
            result.notes.append("; ".join(str(message) for message in error.messages))
    return order


def changes_apply(*, profile: IntegrationProfile, root) -> list[ChangeResult]:
    """Apply every document of 1C's file; returns what happened to each."""
    results = []
    for change in changes_from(root):
        result = ChangeResult(number=change.number or change.document_id)
        results.append(result)
        order = _find_order(change)
        if order is None:
            result.notes.append(_("no such order here"))
            continue
        exchange, _created = OrderExchange.objects.get_or_create(profile=profile, order=order)
        was_up_to_date = exchange.acknowledged_version == order.version
        order = _apply_one(order, change, profile, result)
        with transaction.atomic():
            exchange = OrderExchange.objects.select_for_update().get(pk=exchange.pk)
            if change.onec_number:
                exchange.onec_number = change.onec_number
            if change.onec_date:
                exchange.onec_date = change.onec_date
            # What 1C itself reported need not travel back to it.
            if was_up_to_date:
                exchange.acknowledged_version = order.version
            exchange.save()
    return results
