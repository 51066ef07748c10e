"""The manager takes an order by phone: a new customer, a new order, the customer search."""

from decimal import Decimal

import pytest
from django.urls import reverse

from customers.models import Contact, Customer
from notifications.models import OutboxMessage
from orders.lifecycle import OrderKind, State
from orders.models import Order, OrderEvent, OrderLine
from tests.catalog.factories import ItemFactory, OrderFormFieldFactory
from tests.factories import ContactFactory, CustomerFactory
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db

SBERBANK_INN = "7707083893"
SBERBANK_KPP = "773601001"
SBERBANK_OGRN = "1027700132195"


def _customer_data(**overrides):
    data = {
        "kind": "company",
        "name": "ООО «Сбер-Мебель»",
        "inn": SBERBANK_INN,
        "kpp": SBERBANK_KPP,
        "ogrn": SBERBANK_OGRN,
        "address": "",
        "notes": "",
        "contacts-TOTAL_FORMS": "2",
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "1",
        "contacts-MAX_NUM_FORMS": "20",
        "contacts-0-name": "Ирина Соколова",
        "contacts-0-position": "Закупки",
        "contacts-0-phone": "+7 900 111-22-33",
        "contacts-0-email": "irina@sber-mebel.example.com",
    }
    data.update(overrides)
    return data


# A new customer


def test_a_valid_company_with_its_contact_is_created_and_managed_by_its_creator(
    manager_client, django_assert_max_num_queries
):
    # Each contact is saved with its history row: the form takes at most two.
    with django_assert_max_num_queries(18):
        response = manager_client.post(reverse("portals_manager:customer_new"), _customer_data())

    customer = Customer.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("portals_manager:customer_card", args=[customer.pk])
    assert (customer.name, customer.inn, customer.kpp, customer.ogrn) == (
        "ООО «Сбер-Мебель»",
        SBERBANK_INN,
        SBERBANK_KPP,
        SBERBANK_OGRN,
    )
    assert customer.manager == manager_client.manager
    assert (customer.email, customer.phone) == ("irina@sber-mebel.example.com", "+7 900 111-22-33")
    contact = Contact.objects.get()
    assert (contact.customer, contact.name, contact.is_primary) == (
        customer,
        "Ирина Соколова",
        True,
    )


def test_the_new_customer_page_opens_with_bounded_queries(
    manager_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(5):
        response = manager_client.get(reverse("portals_manager:customer_new"))

    assert response.status_code == 200
    assert len(response.context["contacts"].forms) == 2


def test_a_wrong_inn_is_marked_and_nothing_is_saved(manager_client):
    response = manager_client.post(
        reverse("portals_manager:customer_new"), _customer_data(inn="7707083894")
    )

    assert response.status_code == 200
    assert response.context["form"].errors["inn"] == [
        "Контрольные цифры ИНН не сходятся: проверьте номер."
    ]
    assert Customer.objects.count() == 0
    assert Contact.objects.count() == 0


def test_a_wrong_ogrn_and_a_contact_without_a_name_are_marked(manager_client):
    response = manager_client.post(
        reverse("portals_manager:customer_new"),
        _customer_data(ogrn="1027700132196", **{"contacts-0-name": ""}),
    )

    assert response.status_code == 200
    assert "ogrn" in response.context["form"].errors
    assert "name" in response.context["contacts"].forms[0].errors
    assert Customer.objects.count() == 0


def test_a_likely_duplicate_is_shown_first_then_created_anyway(manager_client):
    existing = CustomerFactory(name="ООО «Старый клиент»", inn=SBERBANK_INN)
    # The same number as the new contact's, typed another way.
    ContactFactory(customer=CustomerFactory(name="ИП Телефонов"), phone="8 (900) 111-22-33")

    response = manager_client.post(reverse("portals_manager:customer_new"), _customer_data())

    assert response.status_code == 200
    names = [customer.name for customer in response.context["duplicates"]]
    assert names == ["ИП Телефонов", "ООО «Старый клиент»"]
    assert reverse("portals_manager:customer_card", args=[existing.pk]) in response.text
    assert Customer.objects.count() == 2

    response = manager_client.post(
        reverse("portals_manager:customer_new"), _customer_data(create_anyway="on")
    )

    assert response.status_code == 302
    assert Customer.objects.filter(name="ООО «Сбер-Мебель»").count() == 1


def test_a_client_user_cannot_create_customers(client, client_user):
    client.force_login(client_user)

    response = client.post(reverse("portals_manager:customer_new"), _customer_data())

    assert response.status_code == 403
    assert Customer.objects.filter(name="ООО «Сбер-Мебель»").count() == 0


# The customer search


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("мебель", ["ООО «Мебель-Сервис»"]),
        (SBERBANK_INN, ["ООО «Мебель-Сервис»"]),
        ("zakaz@vector.example.com", ["ООО «Вектор»"]),
        ("+7 912 000-00-01", ["ООО «Вектор»"]),
        ("олег@", []),
    ],
)
def test_the_search_finds_customers_by_name_inn_email_and_phone(
    manager_client, django_assert_max_num_queries, query, expected
):
    CustomerFactory(name="ООО «Мебель-Сервис»", inn=SBERBANK_INN)
    vector = CustomerFactory(name="ООО «Вектор»")
    ContactFactory(customer=vector, email="zakaz@vector.example.com", phone="+7 912 000-00-01")

    with django_assert_max_num_queries(6):
        response = manager_client.get(reverse("portals_manager:customer_lookup"), {"q": query})

    assert [row["name"] for row in response.json()["results"]] == expected


def test_the_search_returns_at_most_twenty_with_their_contacts_in_bounded_queries(
    manager_client, django_assert_max_num_queries
):
    for number in range(25):
        ContactFactory(customer=CustomerFactory(name=f"ООО «Ромашка {number:02d}»"))

    with django_assert_max_num_queries(6):
        response = manager_client.get(reverse("portals_manager:customer_lookup"), {"q": "ромашка"})

    results = response.json()["results"]
    assert len(results) == 20
    assert len(results[0]["contacts"]) == 1


def test_the_search_answers_htmx_with_links_that_pick_the_customer(manager_client):
    customer = CustomerFactory(name="ООО «Вектор»")

    response = manager_client.get(
        reverse("portals_manager:customer_lookup"), {"q": "вектор"}, HTTP_HX_REQUEST="true"
    )

    assert f"{reverse('portals_manager:order_new')}?customer={customer.pk}" in response.text


def test_a_client_user_cannot_search_customers(client, client_user):
    client.force_login(client_user)

    response = client.get(reverse("portals_manager:customer_lookup"), {"q": "ООО"})

    assert response.status_code == 403


# A new order


@pytest.fixture
def sofa():
    item = ItemFactory(name="Диван «Марсель»", price=Decimal("40000.00"), vat_rate=22)
    OrderFormFieldFactory(item=item, name="fabric", label="Ткань", choice=True, required=True)
    return item


@pytest.fixture
def customer():
    customer = CustomerFactory(name="ООО «Вектор»")
    ContactFactory(customer=customer, name="Борис", user=None)
    return customer


def _order_data(customer, **overrides):
    data = {
        "customer": str(customer.pk),
        "kind": OrderKind.PRODUCT,
        "channel": Order.Channel.PHONE,
        "contact": str(customer.contacts.get().pk),
        "delivery_method": "pickup",
        "delivery_address": "",
        "payment_terms": "",
        "service_date": "",
        "service_place": "",
        "comment": "Позвонить за час",
        "cat-TOTAL_FORMS": "3",
        "cat-INITIAL_FORMS": "0",
        "cat-MIN_NUM_FORMS": "0",
        "cat-MAX_NUM_FORMS": "50",
        "cat-0-item": "",
        "cat-0-quantity": "1",
        "cat-1-item": "",
        "cat-1-quantity": "1",
        "cat-2-item": "",
        "cat-2-quantity": "1",
        "free-TOTAL_FORMS": "2",
        "free-INITIAL_FORMS": "0",
        "free-MIN_NUM_FORMS": "0",
        "free-MAX_NUM_FORMS": "50",
        "free-0-name": "",
        "free-0-quantity": "1",
        "free-0-unit_price": "",
        "free-0-vat_rate": "22",
        "free-1-name": "",
        "free-1-quantity": "1",
        "free-1-unit_price": "",
        "free-1-vat_rate": "22",
    }
    data.update(overrides)
    return data


def test_a_catalog_line_without_its_required_fabric_is_refused_and_nothing_is_saved(
    manager_client, customer, sofa
):
    response = manager_client.post(
        reverse("portals_manager:order_new"),
        _order_data(customer, **{"cat-0-item": str(sofa.pk), "cat-0-quantity": "2"}),
    )

    assert response.status_code == 200
    _row, options = response.context["catalog_rows"][0]
    assert options.errors["fabric"] == ["Обязательное поле."]
    assert 'name="cat-0-of-fabric"' in response.text
    assert Order.objects.count() == 0
    assert OrderEvent.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


def test_with_the_fabric_the_order_is_created_with_its_lines_and_total(
    manager_client, customer, sofa, django_assert_max_num_queries
):
    data = _order_data(
        customer,
        **{
            "cat-0-item": str(sofa.pk),
            "cat-0-quantity": "2",
            "cat-0-of-fabric": "Велюр",
            "free-0-name": "Подъём на этаж",
            "free-0-quantity": "1",
            "free-0-unit_price": "1500.00",
            "free-0-vat_rate": "20",
        },
    )

    with django_assert_max_num_queries(40):
        response = manager_client.post(reverse("portals_manager:order_new"), data)

    order = Order.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("portals_manager:order_page", args=[order.pk])
    assert (order.customer, order.contact.name, order.manager) == (
        customer,
        "Борис",
        manager_client.manager,
    )
    assert (order.channel, order.delivery_method, order.comment) == (
        "phone",
        "pickup",
        "Позвонить за час",
    )
    lines = list(order.lines.values_list("item", "name", "quantity", "unit_price", "vat_rate"))
    assert lines == [
        (sofa.pk, "Диван «Марсель»", Decimal("2.000"), Decimal("40000.00"), 22),
        (None, "Подъём на этаж", Decimal("1.000"), Decimal("1500.00"), 20),
    ]
    assert order.lines.get(position=1).custom_values == {"fabric": "Велюр"}
    assert order.total == Decimal("81500.00")
    assert OrderEvent.objects.get(order=order).action == "created"


def test_a_free_line_without_a_price_is_marked_on_its_row(manager_client, customer):
    response = manager_client.post(
        reverse("portals_manager:order_new"),
        _order_data(customer, **{"free-0-name": "Монтаж"}),
    )

    assert response.status_code == 200
    assert "unit_price" in response.context["free_rows"].forms[0].errors
    assert Order.objects.count() == 0


def test_a_courier_delivery_needs_an_address(manager_client, customer, sofa):
    data = _order_data(
        customer,
        **{"cat-0-item": str(sofa.pk), "cat-0-of-fabric": "Велюр", "delivery_method": "courier"},
    )

    response = manager_client.post(reverse("portals_manager:order_new"), data)

    assert response.status_code == 200
    assert response.context["form"].errors["delivery_address"] == [
        "Укажите адрес доставки для курьера или транспортной компании."
    ]
    assert Order.objects.count() == 0

    data["delivery_address"] = "Москва, ул. Ленина, 1"
    response = manager_client.post(reverse("portals_manager:order_new"), data)

    assert response.status_code == 302
    assert Order.objects.get().delivery_address == "Москва, ул. Ленина, 1"


def test_an_order_without_lines_names_the_lines(manager_client, customer):
    response = manager_client.post(reverse("portals_manager:order_new"), _order_data(customer))

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["Добавьте в заказ хотя бы одну позицию."]
    assert Order.objects.count() == 0


def test_the_new_order_page_opens_prefilled_with_bounded_queries(
    manager_client, customer, sofa, django_assert_max_num_queries
):
    ItemFactory.create_batch(10)

    with django_assert_max_num_queries(12):
        response = manager_client.get(
            reverse("portals_manager:order_new"), {"customer": customer.pk}
        )

    assert response.status_code == 200
    assert response.context["customer"] == customer
    assert "Борис" in response.text


def test_the_item_order_form_fragment_shows_the_items_fields(manager_client, sofa):
    response = manager_client.get(
        reverse("portals_manager:order_new_item_form"),
        {"prefix": "cat-1", "cat-1-item": sofa.pk},
    )

    assert 'name="cat-1-of-fabric"' in response.text
    assert "Велюр" in response.text


def test_a_client_user_cannot_open_the_new_order_page(client, client_user):
    client.force_login(client_user)

    assert client.get(reverse("portals_manager:order_new")).status_code == 403


# The order's details on the order page


def _details_data(order, **overrides):
    data = {
        "details-channel": order.channel,
        "details-delivery_method": "carrier",
        "details-delivery_address": "Казань, ул. Баумана, 5",
        "details-service_date": "",
        "details-service_place": "",
        "details-related_order": "",
        "details-comment": "Доставить до обеда",
    }
    data.update(overrides)
    return data


def test_the_details_form_saves_through_the_service(manager_client):
    order = OrderFactory(state=State.REQUEST)

    response = manager_client.post(
        reverse("portals_manager:order_details", args=[order.pk]), _details_data(order)
    )

    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.delivery_method, order.delivery_address, order.comment) == (
        "carrier",
        "Казань, ул. Баумана, 5",
        "Доставить до обеда",
    )
    event = OrderEvent.objects.get(order=order)
    assert event.action == "details_updated"
    assert event.payload["changes"]["delivery_method"] == {"old": "", "new": "carrier"}
    page = manager_client.get(reverse("portals_manager:order_page", args=[order.pk]))
    assert "Казань, ул. Баумана, 5" in page.text


def test_the_details_form_marks_a_missing_address(manager_client):
    order = OrderFactory(state=State.REQUEST)

    response = manager_client.post(
        reverse("portals_manager:order_details", args=[order.pk]),
        _details_data(order, **{"details-delivery_address": ""}),
    )

    assert response.status_code == 200
    assert "delivery_address" in response.context["details_form"].errors
    assert OrderEvent.objects.filter(order=order).count() == 0


def test_a_closed_orders_details_are_not_changed(manager_client):
    order = OrderFactory(state=State.CLOSED)

    response = manager_client.post(
        reverse("portals_manager:order_details", args=[order.pk]), _details_data(order), follow=True
    )

    assert response.status_code == 200
    order.refresh_from_db()
    assert order.delivery_method == ""
    assert OrderEvent.objects.filter(order=order).count() == 0


def test_the_client_sees_the_orders_details(client, client_user):
    order = OrderFactory(
        customer=client_user.contact.customer,
        delivery_method=Order.DeliveryMethod.COURIER,
        delivery_address="Тверь, ул. Советская, 3",
        comment="Домофон 12",
    )
    client.force_login(client_user)

    response = client.get(reverse("portals_client:order_page", args=[order.pk]))

    assert "Тверь, ул. Советская, 3" in response.text
    assert "Домофон 12" in response.text


def test_lines_outside_the_catalog_are_shown_by_name(manager_client):
    order = OrderFactory()
    OrderLine.objects.create(
        order=order,
        position=1,
        item=None,
        name="Подъём на этаж",
        quantity=1,
        unit="шт",
        unit_price=Decimal("1500.00"),
        vat_rate=20,
        line_total=Decimal("1500.00"),
    )

    response = manager_client.get(reverse("portals_manager:order_page", args=[order.pk]))

    assert "Подъём на этаж" in response.text
