"""The documents we answer `query` with are valid CommerceML in every envelope a profile
may choose, and one that is not is held back, not sent."""

from decimal import Decimal

import pytest
from django.utils.translation import gettext
from lxml import etree

from customers.models import Customer
from integrations.onec.order_checks import order_document_checked
from integrations.onec.order_documents import DocumentBuilder, orders_root, serialize
from integrations.onec.schemas import NAMESPACE, SCHEMA_DIR, schema_errors
from integrations.onec.selectors import order_list_to_export
from orders.services import LineInput
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

ENVELOPES = [
    (version, namespace, encoding)
    for version in ("2.05", "2.08", "2.10")
    for namespace in (False, True)
    for encoding in ("utf-8", "windows-1251")
]


def _schema(file_name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / file_name)))


def _qualified(root):
    for element in root.iter():
        if not element.tag.startswith("{"):
            element.tag = f"{{{NAMESPACE}}}{element.tag}"
    return root


@pytest.mark.parametrize(("version", "namespace", "encoding"), ENVELOPES)
def test_emitted_orders_validate_against_the_2_08_and_2_10_schemas(
    profile, make_order, version, namespace, encoding
):
    profile.schema_version, profile.uses_namespace, profile.encoding = version, namespace, encoding
    person = CustomerFactory(kind=Customer.Kind.PERSON, name="Иванов Иван")
    make_order()
    make_order(customer=person, comment="Доставка после 14:00 & <звонок>")
    make_order(
        lines=[
            LineInput(item=None, name="Без НДС", quantity="1.5", unit_price="99.99", vat_rate=-1),
            LineInput(
                item=None, name="Скидка", quantity=3, unit_price="100", vat_rate=10,
                discount_percent="12.5",
            ),
        ]
    )  # fmt: skip

    body = serialize(
        orders_root(order_list_to_export(profile=profile), profile=profile), profile=profile
    )

    if encoding == "utf-8":
        assert body.startswith(b"\xef\xbb\xbf<?xml")
    else:
        assert body.startswith(b"<?xml version='1.0' encoding='windows-1251'?>")
        assert "Иванов".encode("cp1251") in body
    root = etree.fromstring(body)
    assert (root.tag.startswith(f"{{{NAMESPACE}}}")) is namespace
    assert root.get("ВерсияСхемы") == version
    assert len(root) == 3
    qualified = _qualified(root)
    for file_name in ("commerceml-2.08.xsd", "commerceml-2.10.xsd"):
        schema = _schema(file_name)
        assert schema.validate(qualified), (file_name, list(schema.error_log))


def test_a_document_carries_what_1c_needs_to_make_its_order(profile, make_order):
    order = make_order(delivery_method="courier", delivery_address="Москва, ул. Ленина, 1")
    order.delivery_cost = Decimal("348.00")
    order.save(update_fields=["delivery_cost"])

    root = orders_root(order_list_to_export(profile=profile), profile=profile)
    document = root[0]

    def text(path):
        return document.findtext(path)

    assert text("Номер") == order.number
    assert text("ХозОперация") == "Заказ товара"
    assert text("Валюта") == "RUB"
    assert text("Контрагенты/Контрагент/ИНН") == "7707083893"
    assert text("Контрагенты/Контрагент/Роль") == "Покупатель"
    assert text("Налоги/Налог/Наименование") == "НДС"
    ids = [goods.findtext("Ид") for goods in document.find("Товары")]
    assert ids[0] == "a1b2c3d4-0000-4000-8000-0000000000aa"
    assert ids[-1] == "ORDER_DELIVERY"
    requisites = {
        value.findtext("Наименование"): value.findtext("Значение")
        for value in document.find("ЗначенияРеквизитов")
    }
    assert requisites["Заказ оплачен"] == "false"
    assert requisites["Отменен"] == "false"
    assert requisites["Статус заказа"] == "Заявка (предзаказ)"
    assert schema_errors(root, "2.10") == []


def test_an_order_that_would_break_the_batch_is_held_with_its_reasons(profile, make_order):
    order = make_order()
    Customer.objects.filter(pk=order.customer_id).update(name="")
    order = order_list_to_export(profile=profile)[0]

    document, problems = order_document_checked(
        order, profile=profile, builder=DocumentBuilder(profile)
    )

    assert document is None
    assert problems == [gettext("The buyer has no name.")]


def test_a_value_the_schema_refuses_holds_the_order_back(profile, make_order):
    order = make_order()
    order.number = "N" * 300  # longer than the schema's НомерТип allows
    document, problems = order_document_checked(
        order, profile=profile, builder=DocumentBuilder(profile)
    )

    assert document is None
    assert problems[0].startswith(gettext("The document breaks the CommerceML schema: %s")[:20])
    assert "НомерТип" in problems[0] or "Номер" in problems[0]
