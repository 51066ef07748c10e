"""The CommerceML 2 order documents we answer 1C's `query` with.

Shape and element order follow the schema's `Документ` (see COMMERCEML notes in the
README): `Ид`, `Номер`, `Дата`, `ХозОперация`, `Роль`, `Валюта`, `Курс`, `Сумма`,
`Контрагенты`, `Время`, `Комментарий`, `Налоги`, `Товары`, `ЗначенияРеквизитов`. The
envelope (namespace or none, schema version, encoding) is the profile's.
"""

from datetime import datetime
from decimal import Decimal

from django.utils import timezone, translation
from lxml import etree

from core.money import vat_included
from integrations.onec.models import IntegrationProfile
from integrations.onec.schemas import NAMESPACE
from orders.lifecycle import State
from orders.models import Order, OrderLine

DELIVERY_LINE_ID = "ORDER_DELIVERY"
SERVICE_LINE_ID = "ORDER_SERVICE"
ID_MAX_LENGTH = 40
TWO_PLACES = Decimal("0.01")


class DocumentBuilder:
    def __init__(self, profile: IntegrationProfile):
        self.namespace = NAMESPACE if profile.uses_namespace else None

    def tag(self, name: str) -> str:
        return f"{{{self.namespace}}}{name}" if self.namespace else name

    def root(self, *, version: str, now: datetime) -> etree._Element:
        nsmap = {None: self.namespace} if self.namespace else None
        return etree.Element(
            self.tag("КоммерческаяИнформация"),
            nsmap=nsmap,
            ВерсияСхемы=version,
            ДатаФормирования=timezone.localtime(now).strftime("%Y-%m-%dT%H:%M:%S"),
        )

    def add(self, parent, name: str, text=None, **attributes) -> etree._Element:
        element = etree.SubElement(parent, self.tag(name), **attributes)
        if text is not None:
            element.text = str(text)
        return element


def _money(value) -> str:
    return format(Decimal(value).quantize(TWO_PLACES), "f")


def _quantity(value) -> str:
    normalized = Decimal(value).normalize()
    if normalized == normalized.to_integral():
        normalized = normalized.quantize(1)
    return format(normalized, "f")


def _bool(value: bool) -> str:
    return "true" if value else "false"


def onec_id(value: str, fallback: str) -> str:
    """An id the schema accepts (at most 40 characters). 1C's variant ids (`product#variant`,
    73 characters) are longer: the product's part is sent then."""
    if value and len(value) <= ID_MAX_LENGTH:
        return value
    product = value.split("#", 1)[0] if value else ""
    if product and len(product) <= ID_MAX_LENGTH:
        return product
    return fallback


def _customer(builder: DocumentBuilder, parent, order: Order) -> None:
    customer = order.customer
    counterparty = builder.add(builder.add(parent, "Контрагенты"), "Контрагент")
    builder.add(counterparty, "Ид", onec_id(customer.external_id, f"crm-customer-{customer.pk}"))
    builder.add(counterparty, "Наименование", customer.name)
    if customer.kind == customer.Kind.COMPANY:
        builder.add(counterparty, "ОфициальноеНаименование", customer.name)
        if customer.inn:
            builder.add(counterparty, "ИНН", customer.inn)
        if customer.kpp:
            builder.add(counterparty, "КПП", customer.kpp)
    else:
        builder.add(counterparty, "ПолноеНаименование", customer.name)
    builder.add(counterparty, "Роль", "Покупатель")


def _taxes(builder: DocumentBuilder, parent, amount: Decimal, rate: int | None) -> None:
    tax = builder.add(builder.add(parent, "Налоги"), "Налог")
    builder.add(tax, "Наименование", "НДС")
    builder.add(tax, "УчтеноВСумме", "true")
    builder.add(tax, "Сумма", _money(amount))
    if rate is not None:
        builder.add(tax, "Ставка", rate)


def _requisites(builder: DocumentBuilder, parent, values: list[tuple[str, str]]) -> None:
    container = builder.add(parent, "ЗначенияРеквизитов")
    for name, value in values:
        requisite = builder.add(container, "ЗначениеРеквизита")
        builder.add(requisite, "Наименование", name)
        builder.add(requisite, "Значение", value)


def _line_id(line: OrderLine) -> str:
    if line.item is None:
        return f"crm-line-{line.pk}"
    return onec_id(line.item.external_id, f"crm-item-{line.item.pk}")


def _line(builder: DocumentBuilder, goods, line: OrderLine) -> None:
    element = builder.add(goods, "Товар")
    builder.add(element, "Ид", _line_id(line))
    if line.item is not None and line.item.sku:
        builder.add(element, "Артикул", line.item.sku)
    builder.add(element, "Наименование", line.name or (line.item.name if line.item else ""))
    builder.add(element, "БазоваяЕдиница", line.unit or "шт")
    kind = "Услуга" if line.item is not None and line.item.kind == "service" else "Товар"
    _requisites(builder, element, [("ВидНоменклатуры", kind), ("ТипНоменклатуры", kind)])
    builder.add(element, "ЦенаЗаЕдиницу", _money(line.unit_price))
    builder.add(element, "Количество", _quantity(line.quantity))
    builder.add(element, "Сумма", _money(line.line_total))
    if line.vat_rate >= 0:
        _taxes(builder, element, vat_included(line.line_total, line.vat_rate), line.vat_rate)
    if line.discount_percent:
        discounts = builder.add(element, "Скидки")
        discount = builder.add(discounts, "Скидка")
        gross = Decimal(line.quantity) * Decimal(line.unit_price)
        builder.add(discount, "Наименование", "Скидка")
        builder.add(discount, "Сумма", _money(gross - Decimal(line.line_total)))
        builder.add(discount, "Процент", format(Decimal(line.discount_percent).normalize(), "f"))
        builder.add(discount, "УчтеноВСумме", "true")


def _extra_line(builder: DocumentBuilder, goods, *, line_id: str, name: str, amount, rate: int):
    element = builder.add(goods, "Товар")
    builder.add(element, "Ид", line_id)
    builder.add(element, "Наименование", name)
    builder.add(element, "БазоваяЕдиница", "шт")
    _requisites(builder, element, [("ВидНоменклатуры", "Услуга"), ("ТипНоменклатуры", "Услуга")])
    builder.add(element, "ЦенаЗаЕдиницу", _money(amount))
    builder.add(element, "Количество", "1")
    builder.add(element, "Сумма", _money(amount))
    if rate >= 0:
        _taxes(builder, element, vat_included(amount, rate), rate)


def _amount_paid(order: Order) -> Decimal:
    # From the prefetched rows: one query for the whole batch, not two per order.
    paid = sum((payment.amount for payment in order.payments.all()), Decimal("0"))
    refunded = sum((refund.amount for refund in order.refunds.all()), Decimal("0"))
    return paid - refunded


def add_order(builder: DocumentBuilder, root, order: Order) -> etree._Element:
    created = timezone.localtime(order.created_at)
    lines = list(order.lines.all())
    document = builder.add(root, "Документ")
    builder.add(document, "Ид", order.number)
    builder.add(document, "Номер", order.number)
    builder.add(document, "Дата", created.date().isoformat())
    builder.add(document, "ХозОперация", "Заказ товара")
    builder.add(document, "Роль", "Продавец")
    builder.add(document, "Валюта", order.currency)
    builder.add(document, "Курс", "1")
    builder.add(document, "Сумма", _money(order.total))
    _customer(builder, document, order)
    builder.add(document, "Время", created.strftime("%H:%M:%S"))
    if order.comment:
        builder.add(document, "Комментарий", order.comment[:3000])
    has_vat = any(line.vat_rate >= 0 for line in lines)
    if has_vat:
        _taxes(builder, document, order.vat_total, None)
    goods = builder.add(document, "Товары")
    for line in lines:
        _line(builder, goods, line)
    extras_rate = max((line.vat_rate for line in lines), default=-1)
    if order.delivery_cost:
        _extra_line(
            builder,
            goods,
            line_id=DELIVERY_LINE_ID,
            name="Доставка заказа",
            amount=order.delivery_cost,
            rate=extras_rate,
        )
    if order.service_cost:
        _extra_line(
            builder,
            goods,
            line_id=SERVICE_LINE_ID,
            name="Услуги по заказу",
            amount=order.service_cost,
            rate=extras_rate,
        )
    with translation.override("ru"):
        state_label = str(State(order.state).label)
        delivery = order.get_delivery_method_display() if order.delivery_method else ""
    values = [
        ("Заказ оплачен", _bool(order.total > 0 and _amount_paid(order) >= order.total)),
        ("Отменен", _bool(order.state == State.CANCELLED)),
        ("Статус заказа", state_label),
        (
            "Дата изменения статуса",
            timezone.localtime(order.state_changed_at).strftime("%Y-%m-%d %H:%M:%S"),
        ),
    ]
    if delivery:
        values.insert(0, ("Способ доставки", delivery))
    if order.state == State.CANCELLED and order.cancel_reason:
        values.append(("Причина отмены", order.cancel_reason[:255]))
    _requisites(builder, document, values)
    return document


def orders_root(
    orders: list[Order], *, profile: IntegrationProfile, now: datetime | None = None
) -> etree._Element:
    builder = DocumentBuilder(profile)
    root = builder.root(version=profile.schema_version, now=now or timezone.now())
    for order in orders:
        add_order(builder, root, order)
    return root


def serialize(root: etree._Element, *, profile: IntegrationProfile) -> bytes:
    """The answer's bytes: 1C reads them without looking at a declared encoding, so a UTF-8
    answer starts with a BOM, and a windows-1251 one is plain windows-1251."""
    if profile.encoding == IntegrationProfile.Encoding.WINDOWS_1251:
        return etree.tostring(root, xml_declaration=True, encoding="windows-1251")
    return b"\xef\xbb\xbf" + etree.tostring(root, xml_declaration=True, encoding="UTF-8")
