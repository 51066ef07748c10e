from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from carts.models import Cart, CartLine
from catalog.models import Item, SpecialOffer
from tests.catalog.factories import CategoryFactory, ItemFactory, OrderFormFieldFactory
from tests.factories import ContactFactory, UserFactory

pytestmark = pytest.mark.django_db

REQUIRED = "This field is required."


@pytest.fixture
def contact(db):
    return ContactFactory()


@pytest.fixture
def browser(contact):
    """The client's own browser, in English so messages are asserted in their source text."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(contact.user)
    return client


@pytest.fixture
def catalog(db):
    """Мебель > Диваны > Угловые, Мебель > Столы, Услуги; plus hidden things."""
    furniture = CategoryFactory(name="Мебель", slug="mebel")
    sofas = CategoryFactory(name="Диваны", slug="divany", parent=furniture)
    corner = CategoryFactory(name="Угловые", slug="uglovye", parent=sofas)
    tables = CategoryFactory(name="Столы", slug="stoly", parent=furniture)
    services = CategoryFactory(name="Услуги", slug="uslugi")
    hidden = CategoryFactory(name="Архив", slug="arhiv", is_active=False)
    sofa = ItemFactory(
        name="Диван «Комфорт»", category=sofas, price="45000.00", description="Мягкий, раскладной"
    )
    OrderFormFieldFactory(
        item=sofa, name="fabric", label="Ткань обивки", choice=True, required=True
    )
    return {
        "sofa": sofa,
        "corner": ItemFactory(
            name="Диван угловой «Лион»", category=corner, price="80000.00", in_stock=False
        ),
        "table": ItemFactory(name="Стол обеденный «Дуб»", category=tables, price="28000.00"),
        "assembly": ItemFactory(
            name="Сборка мебели", service=True, category=services, price="3500.00"
        ),
        "withdrawn": ItemFactory(name="Диван старый", category=sofas, is_active=False),
        "archived": ItemFactory(name="Диван архивный", category=hidden),
    }


def _names(response) -> list[str]:
    return [item.name for item, _offer in response.context["rows"]]


def _list(browser, slug=None, **params):
    url = (
        reverse("portals_client:catalog_category", args=[slug])
        if slug
        else reverse("portals_client:catalog")
    )
    response = browser.get(url, params)
    assert response.status_code == 200
    return response


# Access


def _catalog_urls(item):
    return [
        reverse("portals_client:catalog"),
        reverse("portals_client:catalog_category", args=["divany"]),
        reverse("portals_client:item_page", args=[item.pk]),
    ]


def test_anonymous_user_is_sent_to_login(catalog):
    client = Client()

    for url in _catalog_urls(catalog["sofa"]):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_staff_without_the_client_portal_gets_403(catalog):
    client = Client()
    client.force_login(UserFactory(role=Role.MANAGER))

    for url in _catalog_urls(catalog["sofa"]):
        assert client.get(url).status_code == 403
    assert client.post(_catalog_urls(catalog["sofa"])[2], {"quantity": 1}).status_code == 403
    assert not Cart.objects.exists()


# Categories


def test_a_category_shows_the_items_of_its_whole_subtree_with_breadcrumbs(browser, catalog):
    sofas = _list(browser, "divany")
    furniture = _list(browser, "mebel")

    assert _names(sofas) == ["Диван «Комфорт»", "Диван угловой «Лион»"]
    assert [crumb.name for crumb in sofas.context["breadcrumbs"]] == ["Мебель", "Диваны"]
    assert _names(furniture) == [
        "Диван «Комфорт»",
        "Диван угловой «Лион»",
        "Стол обеденный «Дуб»",
    ]
    page = sofas.content.decode()
    assert reverse("portals_client:catalog_category", args=["mebel"]) in page
    assert reverse("portals_client:item_page", args=[catalog["sofa"].pk]) in page


def test_the_catalog_lists_only_orderable_items_and_active_categories(browser, catalog):
    response = _list(browser)

    assert _names(response) == [
        "Диван «Комфорт»",
        "Диван угловой «Лион»",
        "Сборка мебели",
        "Стол обеденный «Дуб»",
    ]
    assert [node.slug for node in response.context["categories"]] == [
        "mebel",
        "divany",
        "uglovye",
        "stoly",
        "uslugi",
    ]


def test_a_hidden_or_unknown_category_and_a_hidden_item_are_404(browser, catalog):
    assert (
        browser.get(reverse("portals_client:catalog_category", args=["arhiv"])).status_code == 404
    )
    assert browser.get(reverse("portals_client:catalog_category", args=["net"])).status_code == 404
    for key in ("withdrawn", "archived"):
        url = reverse("portals_client:item_page", args=[catalog[key].pk])
        assert browser.get(url).status_code == 404, key
        assert browser.post(url, {"quantity": 1}).status_code == 404, key
    assert not CartLine.objects.exists()


# Search, filters, sorting


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("диван", ["Диван «Комфорт»", "Диван угловой «Лион»"]),
        ("ДУБ", ["Стол обеденный «Дуб»"]),
        ("диван угловой", ["Диван угловой «Лион»"]),
        ("раскладной", ["Диван «Комфорт»"]),
        ("кресло", []),
    ],
)
def test_search_finds_items_by_cyrillic_words(browser, catalog, query, expected):
    response = _list(browser, q=query)

    assert sorted(_names(response)) == expected
    if not expected:
        assert f"Nothing matches “{query}”." in response.content.decode()


def test_search_finds_an_item_by_part_of_its_sku(browser, catalog):
    response = _list(browser, q=catalog["table"].sku[-3:].lower())

    assert catalog["table"].name in _names(response)


def test_search_within_a_category_stays_in_it(browser, catalog):
    assert _names(_list(browser, "stoly", q="диван")) == []
    assert _names(_list(browser, "divany", q="лион")) == ["Диван угловой «Лион»"]


def test_search_on_postgresql_matches_other_forms_of_a_word(browser, catalog):
    if connection.vendor != "postgresql":
        pytest.skip("stemming is PostgreSQL's full-text search; SQLite matches substrings")

    assert sorted(_names(_list(browser, q="диваны"))) == [
        "Диван «Комфорт»",
        "Диван угловой «Лион»",
    ]
    assert _names(_list(browser, q="столы обеденные")) == ["Стол обеденный «Дуб»"]


def test_filters_by_kind_price_and_stock(browser, catalog):
    assert _names(_list(browser, kind="service")) == ["Сборка мебели"]
    assert _names(_list(browser, kind="product", price_min="28000", price_max="45000")) == [
        "Диван «Комфорт»",
        "Стол обеденный «Дуб»",
    ]
    assert _names(_list(browser, "divany", in_stock="on")) == ["Диван «Комфорт»"]


def test_bad_filter_values_are_ignored_and_said_so(browser, catalog):
    response = _list(browser, price_min="дёшево", kind="robot", sort="random")

    assert len(_names(response)) == 4
    assert "Some filters were not understood and are ignored." in response.content.decode()


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("price", ["Сборка мебели", "Стол обеденный «Дуб»", "Диван «Комфорт»"]),
        ("-price", ["Диван угловой «Лион»", "Диван «Комфорт»", "Стол обеденный «Дуб»"]),
        ("name", ["Диван «Комфорт»", "Диван угловой «Лион»", "Сборка мебели"]),
    ],
)
def test_sorting(browser, catalog, sort, expected):
    assert _names(_list(browser, sort=sort))[:3] == expected


def test_newest_first(browser, catalog):
    Item.objects.filter(pk=catalog["table"].pk).update(
        created_at=timezone.now() + timedelta(minutes=1)
    )

    assert _names(_list(browser, sort="newest"))[0] == "Стол обеденный «Дуб»"


def test_pages_keep_the_filters(browser, catalog):
    category = CategoryFactory(name="Стулья", slug="stulya")
    ItemFactory.create_batch(30, category=category, kind=Item.Kind.PRODUCT)

    first = _list(browser, kind="product", sort="price")
    second = _list(browser, kind="product", sort="price", page=2)

    assert len(_names(first)) == 24
    assert len(_names(second)) == 33 - 24
    assert "kind=product" in first.content.decode().split('aria-label="Pages"')[1]
    assert "sort=price" in first.content.decode().split('aria-label="Pages"')[1]


def test_the_listing_costs_the_same_queries_for_50_items_as_for_5(browser):
    furniture = CategoryFactory(name="Мебель", slug="mebel")
    sofas = CategoryFactory(name="Диваны", slug="divany", parent=furniture)
    today = timezone.localdate()
    offer = SpecialOffer.objects.create(
        title="Скидки на диваны", discount_percent=Decimal("5"), starts_on=today, category=sofas
    )
    url = reverse("portals_client:catalog_category", args=["mebel"])

    def queries_for(count):
        while Item.objects.count() < count:
            item = ItemFactory(category=sofas if Item.objects.count() % 2 else furniture)
            offer.items.add(item)
        with CaptureQueriesContext(connection) as captured:
            response = browser.get(url, {"sort": "price"})
        assert response.status_code == 200
        assert len(response.context["rows"]) == min(count, 24)
        return len(captured)

    five = queries_for(5)
    fifty = queries_for(50)

    assert fifty <= five


# Special offers on items


def test_a_current_offer_shows_on_the_list_and_on_the_item(browser, catalog):
    today = timezone.localdate()
    SpecialOffer.objects.create(
        title="Неделя диванов",
        discount_percent=Decimal("10"),
        starts_on=today,
        ends_on=today + timedelta(days=6),
        category=catalog["sofa"].category,
    )

    listing = _list(browser, "divany")
    item_page = browser.get(reverse("portals_client:item_page", args=[catalog["sofa"].pk]))

    offers = {item.name: offer for item, offer in listing.context["rows"]}
    assert offers["Диван «Комфорт»"].price == Decimal("40500.00")
    assert offers["Диван угловой «Лион»"].price == Decimal("72000.00")
    assert item_page.context["offer"].offer.title == "Неделя диванов"
    assert "Неделя диванов" in item_page.content.decode()
    assert "−10%" in item_page.content.decode()


# The item page and adding to the cart


def test_the_item_page_renders_the_order_form(browser, catalog):
    response = browser.get(reverse("portals_client:item_page", args=[catalog["sofa"].pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Ткань обивки" in page
    assert 'name="custom-fabric"' in page
    assert list(response.context["custom_form"].fields) == ["fabric"]


def test_adding_without_the_required_field_marks_it_and_adds_nothing(browser, catalog):
    url = reverse("portals_client:item_page", args=[catalog["sofa"].pk])

    response = browser.post(url, {"quantity": "1", "custom-fabric": ""})

    assert response.status_code == 200
    assert response.context["custom_form"].errors == {"fabric": [REQUIRED]}
    page = response.content.decode()
    assert '<select name="custom-fabric" class="select form-select is-invalid"' in page
    error = page.split('id="id_custom-fabric_error"', 1)[1].split("</div>", 1)[0]
    assert REQUIRED in error
    assert not Cart.objects.exists()
    assert not CartLine.objects.exists()


def test_adding_with_the_field_puts_the_line_into_the_cart(browser, contact, catalog):
    url = reverse("portals_client:item_page", args=[catalog["sofa"].pk])

    response = browser.post(url, {"quantity": "2", "custom-fabric": "Велюр"}, follow=True)

    line = CartLine.objects.get()
    assert (line.cart.contact, line.item, line.quantity, line.custom_values) == (
        contact,
        catalog["sofa"],
        Decimal("2"),
        {"fabric": "Велюр"},
    )
    assert response.redirect_chain == [(url, 302)]
    assert "“Диван «Комфорт»” is in your cart." in response.content.decode()
    assert 'data-testid="cart-count">1<' in response.content.decode()


def test_a_bad_quantity_is_marked_too(browser, catalog):
    url = reverse("portals_client:item_page", args=[catalog["sofa"].pk])

    response = browser.post(url, {"quantity": "0", "custom-fabric": ""})

    assert set(response.context["quantity_form"].errors) == {"quantity"}
    assert set(response.context["custom_form"].errors) == {"fabric"}
    assert not CartLine.objects.exists()


def test_a_client_login_without_a_customer_is_told_so(catalog):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(UserFactory(role=Role.CLIENT))
    url = reverse("portals_client:item_page", args=[catalog["table"].pk])

    response = client.post(url, {"quantity": "1"})

    assert response.status_code == 200
    assert "Your login is not linked to a customer yet" in response.content.decode()
    assert not Cart.objects.exists()


def test_adding_needs_the_csrf_token(contact, catalog):
    client = Client(enforce_csrf_checks=True)
    client.force_login(contact.user)
    url = reverse("portals_client:item_page", args=[catalog["table"].pk])

    response = client.post(url, {"quantity": "1"})

    assert response.status_code == 403
    assert not CartLine.objects.exists()
