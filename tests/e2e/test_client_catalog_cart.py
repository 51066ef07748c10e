import re

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from carts.models import Cart, CartLine
from catalog.models import Attribute
from catalog.services import item_attributes_set
from orders.lifecycle import State
from orders.models import Order
from tests.catalog.factories import CategoryFactory, ItemFactory, OrderFormFieldFactory
from tests.factories import TEST_PASSWORD, ContactFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("role_groups"),
]


def _log_in(page, live_server, username):
    page.goto(f"{live_server.url}/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Войти").click()


def test_client_finds_an_item_fills_its_required_field_and_submits_the_cart(page, live_server):
    contact = ContactFactory(user__username="irina", customer__name="ООО «Ромашка»")
    furniture = CategoryFactory(name="Мебель", slug="mebel")
    sofas = CategoryFactory(name="Диваны", slug="divany", parent=furniture)
    tables = CategoryFactory(name="Столы", slug="stoly", parent=furniture)
    sofa = ItemFactory(name="Диван «Комфорт»", category=sofas, price="45000.00")
    OrderFormFieldFactory(
        item=sofa, name="fabric", label="Ткань обивки", choice=True, required=True
    )
    ItemFactory(name="Стол обеденный «Дуб»", category=tables, price="28000.00")

    _log_in(page, live_server, "irina")
    expect(page).to_have_url(f"{live_server.url}/client/")

    # By category: the furniture branch, then its sofas.
    page.locator(f'nav a[href="{reverse("portals_client:catalog")}"]').click()
    page.get_by_test_id("category-link").filter(has_text="Мебель").click()
    expect(page.get_by_test_id("catalog-item")).to_have_count(2)
    page.get_by_test_id("category-link").filter(has_text="Диваны").click()
    expect(page.get_by_test_id("catalog-item")).to_have_count(1)
    expect(page.get_by_test_id("breadcrumbs")).to_contain_text("Мебель")
    expect(page.get_by_test_id("catalog-item")).to_contain_text("Диван «Комфорт»")

    # By search, from the whole catalog.
    page.get_by_test_id("breadcrumbs").get_by_role("link").first.click()
    page.get_by_test_id("catalog-search").fill("диван")
    page.get_by_test_id("catalog-search").press("Enter")
    expect(page.get_by_test_id("catalog-item")).to_have_count(1)
    page.get_by_role("link", name="Диван «Комфорт»").click()

    # Refused without the required field, which is marked.
    page.get_by_test_id("add-to-cart").click()
    fabric = page.locator("#id_custom-fabric")
    expect(fabric).to_have_class("select form-select is-invalid")
    expect(page.locator("#id_custom-fabric_error")).to_be_visible()
    assert not CartLine.objects.exists()

    fabric.select_option("Велюр")
    page.get_by_test_id("add-to-cart").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.get_by_test_id("cart-count")).to_have_text("1")

    page.get_by_test_id("nav-cart").click()
    expect(page.get_by_test_id("cart-line")).to_contain_text("Велюр")
    page.get_by_test_id("cart-submit").click()

    expect(page.get_by_test_id("order-confirmation")).to_be_visible()
    order = Order.objects.get()
    with translation.override("ru"):
        request_label = str(State.REQUEST.label)
    expect(page.get_by_test_id("order-confirmation")).to_contain_text(order.number)
    expect(page.get_by_test_id("order-state")).to_have_text(request_label)
    assert Cart.objects.get().status == Cart.Status.SUBMITTED
    assert (order.state, order.contact, order.lines.get().custom_values) == (
        State.REQUEST,
        contact,
        {"fabric": "Велюр"},
    )

    page.get_by_test_id("open-order").click()
    expect(page).to_have_url(
        f"{live_server.url}{reverse('portals_client:order_page', args=[order.pk])}"
    )
    expect(page.get_by_test_id("order-state")).to_have_text(request_label)
    expect(page.get_by_test_id("order-line")).to_contain_text("Ткань обивки: Велюр")
    expect(page.locator('[data-testid="timeline-entry"][data-action="created"]')).to_be_visible()


def test_client_narrows_a_category_by_ticking_an_attribute_value(page, live_server):
    ContactFactory(user__username="irina")
    tables = CategoryFactory(name="Столы", slug="stoly")
    Attribute.objects.create(code="material", name="Материал")
    for name, material in (("Стол «Дуб»", "Дуб"), ("Стол «Берёза»", "Берёза")):
        item_attributes_set(
            item=ItemFactory(name=name, category=tables), values={"material": material}
        )

    _log_in(page, live_server, "irina")
    page.goto(f"{live_server.url}{reverse('portals_client:catalog_category', args=['stoly'])}")
    expect(page.get_by_test_id("catalog-item")).to_have_count(2)

    # Ticking submits the filter form at once; the box stays ticked on the new page.
    page.get_by_test_id("facet").get_by_label("Дуб").check()
    expect(page).to_have_url(re.compile(r"attr-material="))
    expect(page.get_by_test_id("catalog-item")).to_have_count(1)
    expect(page.get_by_test_id("catalog-item")).to_contain_text("Стол «Дуб»")
    expect(page.get_by_test_id("facet").get_by_label("Дуб")).to_be_checked()
