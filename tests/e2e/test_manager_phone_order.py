"""A manager takes an order by phone, in the browser: a new company customer, then the order
with a sofa whose order form asks for the fabric."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from customers.models import Customer
from orders.models import Order
from tests.catalog.factories import ItemFactory, OrderFormFieldFactory
from tests.e2e.test_client_orders import _log_in
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("role_groups"),
]


def test_a_manager_enters_a_new_customer_and_their_phone_order(page, live_server):
    order = phone_order_for_a_new_company(page, live_server)

    assert order.total == Decimal("80000.00")
    expect(page.get_by_text("Диван «Марсель»")).to_be_visible()
    expect(page.get_by_text("Ткань: Велюр")).to_be_visible()
    expect(page.locator("h1 + div.text-muted")).to_contain_text("80 000,00")


def phone_order_for_a_new_company(page, live_server) -> Order:
    """Anna, a manager, enters ООО «Сбер-Мебель» and its phone order of two sofas: refused
    without the fabric the sofa's order form asks for, created with it. Ends on the order."""
    UserFactory(username="anna", role="manager", first_name="Анна", last_name="Петрова")
    sofa = ItemFactory(name="Диван «Марсель»", price=Decimal("40000.00"))
    OrderFormFieldFactory(item=sofa, name="fabric", label="Ткань", choice=True, required=True)
    _log_in(page, live_server, "anna")

    page.goto(f"{live_server.url}/manager/customers/")
    page.get_by_test_id("customer-new").click()
    page.get_by_label("Организация").check()
    page.get_by_label("Наименование").fill("ООО «Сбер-Мебель»")
    page.get_by_label("ИНН").fill("7707083893")
    page.get_by_label("КПП").fill("773601001")
    page.get_by_label("ОГРН").fill("1027700132195")
    contact = page.get_by_test_id("contact-row").first
    contact.get_by_label("ФИО").fill("Ирина Соколова")
    contact.get_by_label("Телефон").fill("+7 900 111-22-33")
    contact.get_by_label("Эл. почта").fill("irina@sber-mebel.example.com")
    page.get_by_test_id("customer-save").click()

    expect(page.get_by_test_id("customer-name")).to_have_text("ООО «Сбер-Мебель»")
    customer = Customer.objects.get(name="ООО «Сбер-Мебель»")

    page.get_by_test_id("order-new").click()
    expect(page.get_by_test_id("chosen-customer")).to_contain_text("ООО «Сбер-Мебель»")
    page.get_by_label("Канал").select_option("phone")
    page.get_by_label("Контакт").select_option(label="Ирина Соколова")
    row = page.get_by_test_id("catalog-row").first
    row.get_by_label("Позиция каталога").select_option(label="Диван «Марсель»")
    expect(row.get_by_label("Ткань")).to_be_visible()
    row.get_by_label("Количество").fill("2")
    page.get_by_test_id("order-save").click()

    row = page.get_by_test_id("catalog-row").first
    expect(row.locator(".invalid-feedback")).to_contain_text("Обязательное поле")
    assert Order.objects.count() == 0

    row.get_by_label("Ткань").select_option("Велюр")
    page.get_by_test_id("order-save").click()

    expect(page.get_by_test_id("order-state")).to_be_visible()
    return Order.objects.get(customer=customer)
