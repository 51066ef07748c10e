"""What would otherwise be a 500 or an HTML page is a problem+json answer naming its cause:
unexpected failures, database outages, oversized and over-nested bodies, numbers and dates
no column can hold, unknown fields."""

import json
import logging
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client
from rest_framework.test import APIClient

from api.input_checks import MAX_JSON_DEPTH
from api.inputs import column_digits
from api.middleware import RETRY_AFTER_SECONDS
from api.serializers import OrderLineInputSerializer, PaymentInputSerializer
from customers.models import Customer
from orders.lifecycle import State
from orders.models import Order, OrderLine, Payment
from tests.api.failing_urls import INTERNALS
from tests.api.helpers import assert_problem, order_body
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def _unavailable_database(error=OperationalError):
    """Every query of this request fails as when the server is gone or the link is cut."""
    return mock.patch.object(
        connection, "cursor", side_effect=error("could not connect to server: db.internal")
    )


# Failures no view handles


@pytest.mark.urls("tests.api.failing_urls")
@pytest.mark.parametrize("path", ["/api/v1/test-failures/drf/", "/api/v1/test-failures/plain/"])
def test_an_unexpected_failure_under_the_api_is_a_500_problem_without_internals(path, caplog):
    http = APIClient(raise_request_exception=False)

    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = http.get(path, HTTP_ACCEPT_LANGUAGE="en")

    body = assert_problem(response, 500)
    assert body["type"] == "urn:ordercrm:problem:server-error"
    assert body["title"] == "Internal server error"
    assert "errors" not in body
    assert "hunter2" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    logged = [record for record in caplog.records if record.exc_info]
    assert len(logged) == 1
    assert str(logged[0].exc_info[1]) == INTERNALS


@pytest.mark.urls("tests.api.failing_urls")
def test_the_500_problem_speaks_the_clients_language():
    http = APIClient(raise_request_exception=False)

    response = http.get("/api/v1/test-failures/drf/", HTTP_ACCEPT_LANGUAGE="ru")

    assert assert_problem(response, 500)["title"] == "Внутренняя ошибка сервера"


@pytest.mark.urls("tests.api.failing_urls")
def test_an_unexpected_failure_of_a_portal_page_keeps_the_html_500_page():
    response = Client(raise_request_exception=False).get("/portal-test-failure/")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert "hunter2" not in response.content.decode()


# Database outages


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_an_api_request_during_a_database_outage_is_a_503_problem_with_retry_after(
    manager_api, error
):
    manager_api.raise_request_exception = False

    with _unavailable_database(error):
        response = manager_api.get("/api/v1/orders/")

    body = assert_problem(response, 503)
    assert body["type"] == "urn:ordercrm:problem:unavailable"
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "db.internal" not in response.content.decode()


def test_an_order_posted_during_a_database_outage_is_a_503_problem(manager_api, catalog):
    manager_api.raise_request_exception = False

    with _unavailable_database():
        response = manager_api.post("/api/v1/orders/", order_body(), format="json")

    assert_problem(response, 503)
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert Order.objects.count() == 0


def test_a_portal_page_during_a_database_outage_is_a_plain_503_page(manager_user):
    browser = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(manager_user)

    # The session lookup is the first query of the request, before the view's own.
    with _unavailable_database():
        response = browser.get("/")

    page = response.content.decode()
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "Service temporarily unavailable" in page
    assert "db.internal" not in page


def test_the_503_page_speaks_russian_by_default(manager_user):
    browser = Client(raise_request_exception=False)
    browser.force_login(manager_user)

    with _unavailable_database():
        response = browser.get("/")

    assert response.status_code == 503
    assert "Сервис временно недоступен" in response.content.decode()


class _DatabaseGoneMiddleware:
    """Stands where the session middleware is: its lookups fail before any view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raise OperationalError("server closed the connection unexpectedly")


@pytest.mark.parametrize(
    ("path", "content_type"),
    [("/api/v1/orders/", "application/problem+json"), ("/", "text/html; charset=utf-8")],
)
def test_an_outage_met_by_a_middleware_is_a_503_too(settings, path, content_type):
    middleware = list(settings.MIDDLEWARE)
    session = middleware.index("django.contrib.sessions.middleware.SessionMiddleware")
    middleware.insert(session, f"{__name__}._DatabaseGoneMiddleware")
    settings.MIDDLEWARE = middleware

    response = Client(raise_request_exception=False).get(path)

    assert response.status_code == 503
    assert response["Content-Type"] == content_type
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)


# Bodies too large or too deep


def test_a_body_over_the_upload_limit_is_a_413_problem_naming_the_limit(
    manager_api, catalog, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = manager_api.post("/api/v1/orders/", order_body(comment="x" * 2000), format="json")

    body = assert_problem(response, 413)
    assert "1000 bytes" in body["detail"]
    assert Order.objects.count() == 0


def test_a_body_of_brackets_is_a_400_problem_not_a_recursion_error(manager_api):
    response = manager_api.post("/api/v1/orders/", "[" * 50_000, content_type="application/json")

    body = assert_problem(response, 400, body=f"at most {MAX_JSON_DEPTH} levels")
    assert str(MAX_JSON_DEPTH) in body["detail"]


def _nested(depth: int):
    value = "Велюр"
    for _level in range(depth):
        value = {"fabric": value}
    return value


def test_options_nested_thousands_deep_are_a_400_problem(manager_api, catalog):
    # Written out by hand: json.dumps itself recurses too deep for this.
    options = '{"fabric":' * 5000 + '"Велюр"' + "}" * 5000
    body = json.dumps(order_body(lines=[])).replace(
        '"lines": []',
        f'"lines": [{{"item": {{"external_id": "SKU-1"}}, "quantity": "1", "options": {options}}}]',
    )

    response = manager_api.post("/api/v1/orders/", body, content_type="application/json")

    assert_problem(response, 400, body="levels")
    assert Order.objects.count() == 0


def test_nesting_up_to_the_limit_reaches_validation(manager_api, catalog):
    # body -> lines -> line -> options: three levels before the options' own.
    lines = [
        {"item": {"external_id": "SKU-1"}, "quantity": "1", "options": _nested(MAX_JSON_DEPTH - 3)}
    ]

    response = manager_api.post("/api/v1/orders/", order_body(lines=lines), format="json")

    assert_problem(response, 422, lines__0__options__fabric="")


def test_brackets_inside_strings_do_not_count_as_nesting(manager_api, catalog):
    comment = '[{"\\"' * 100

    response = manager_api.post("/api/v1/orders/", order_body(comment=comment), format="json")

    assert response.status_code == 201, response.content
    assert Order.objects.get().comment == comment


# Numbers and dates no column can hold


def test_decimal_inputs_carry_their_columns_digits():
    line = OrderLineInputSerializer().fields
    for name, column in [("quantity", "quantity"), ("price", "unit_price")]:
        field = line[name]
        assert {"max_digits": field.max_digits, "decimal_places": field.decimal_places} == (
            column_digits(OrderLine, column)
        )
    amount = PaymentInputSerializer().fields["amount"]
    assert (amount.max_digits, amount.decimal_places) == (14, 2)
    assert column_digits(Payment, "amount") == {"max_digits": 14, "decimal_places": 2}


@pytest.mark.parametrize(
    ("line", "path"),
    [
        # Fits the quantity column; times the sofa's 45,000 it overflows the line's amount.
        ({"quantity": "999999999.999"}, "lines.0.quantity"),
        ({"quantity": "10000000000"}, "lines.0.quantity"),
        ({"quantity": "1.0001"}, "lines.0.quantity"),
        ({"quantity": "1", "price": "10000000000000"}, "lines.0.price"),
        ({"quantity": "1", "discount_percent": "1000"}, "lines.0.discount_percent"),
    ],
)
def test_numbers_beyond_their_columns_are_422_naming_the_field(manager_api, catalog, line, path):
    lines = [{"item": {"external_id": "SKU-1"}, "options": {"fabric": "Велюр"}, **line}]

    response = manager_api.post("/api/v1/orders/", order_body(lines=lines), format="json")

    assert_problem(response, 422, **{path.replace(".", "__"): ""})
    assert Order.objects.count() == 0


def test_an_order_whose_lines_together_overflow_its_total_is_422(manager_api, catalog):
    line = {"item": {"external_id": "SKU-2"}, "quantity": "600000000"}

    response = manager_api.post("/api/v1/orders/", order_body(lines=[line, line]), format="json")

    assert_problem(response, 422, lines="total")
    assert Order.objects.count() == 0


def test_a_payment_beyond_its_column_is_422(manager_api):
    order = OrderFactory(state=State.PAYMENT)

    response = manager_api.post(
        f"/api/v1/orders/{order.pk}/payments/", {"amount": "1000000000000.00"}, format="json"
    )

    assert_problem(response, 422, amount="digits")
    assert Payment.objects.count() == 0


@pytest.mark.parametrize(
    "paid_at", ["0001-01-01T00:00:00Z", "1899-12-31T23:59:59Z", "2101-01-01T00:00:00Z"]
)
def test_a_payment_time_outside_1900_to_2100_is_422(manager_api, paid_at):
    order = OrderFactory(state=State.PAYMENT)

    response = manager_api.post(
        f"/api/v1/orders/{order.pk}/payments/",
        {"amount": "10.00", "paid_at": paid_at},
        format="json",
    )

    assert_problem(response, 422, paid_at="1900")
    assert Payment.objects.count() == 0


def test_times_of_local_mean_time_are_read_back_as_rfc_3339(manager_api):
    # Moscow's offset was +02:30:17 until 1919: not expressible in RFC 3339.
    order = OrderFactory(state=State.PAYMENT)
    url = f"/api/v1/orders/{order.pk}/payments/"

    created = manager_api.post(
        url, {"amount": "10.00", "paid_at": "1900-01-01T00:00:00Z"}, format="json"
    )
    read = manager_api.get(f"/api/v1/orders/{order.pk}/")

    assert created.status_code == 201, created.content
    assert created.json()["paid_at"] == "1900-01-01T00:00:00Z"
    assert [payment["paid_at"] for payment in read.json()["payments"]] == ["1900-01-01T00:00:00Z"]


def test_dates_outside_1900_to_2100_are_422(manager_api, catalog):
    order = OrderFactory(state=State.DELIVERY)

    created = manager_api.post(
        "/api/v1/orders/", order_body(service_date="2101-01-01"), format="json"
    )
    shipped = manager_api.post(
        f"/api/v1/orders/{order.pk}/shipments/", {"expected_date": "0001-01-01"}, format="json"
    )

    assert_problem(created, 422, service_date="2100")
    assert_problem(shipped, 422, expected_date="2100")
    assert Order.objects.count() == 1


# Unknown fields


@pytest.mark.parametrize(
    ("body", "path"),
    [
        (order_body(colour="red"), "colour"),
        (order_body(customer={"external_id": "C-1", "colour": "red"}), "customer.colour"),
        (
            order_body(
                lines=[
                    {
                        "item": {"external_id": "SKU-1"},
                        "quantity": "1",
                        "options": {"fabric": "Велюр"},
                        "colour": "red",
                    }
                ]
            ),
            "lines.0.colour",
        ),
    ],
)
def test_unknown_fields_of_an_order_are_422_naming_them(manager_api, catalog, body, path):
    response = manager_api.post("/api/v1/orders/", body, format="json")

    assert_problem(response, 422, **{path.replace(".", "__"): "Unknown field."})
    assert Order.objects.count() == 0


def test_unknown_fields_are_named_with_the_other_errors(manager_api, catalog):
    response = manager_api.post(
        "/api/v1/orders/", order_body(kind="spaceship", colour="red"), format="json"
    )

    assert_problem(response, 422, kind="", colour="Unknown field.")


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/v1/customers/", {"name": "ООО Ромашка"}),
        ("patch", "/api/v1/customers/{customer}/", {"name": "ООО Ромашка"}),
        ("put", "/api/v1/customers/by-external-id/C-9/", {"name": "ООО Ромашка"}),
        ("post", "/api/v1/items/", {"name": "Стул", "sku": "S-9", "price": "10.00"}),
        ("patch", "/api/v1/items/{item}/", {"name": "Стул"}),
        ("put", "/api/v1/attributes/colour/", {"name": "Цвет"}),
        ("post", "/api/v1/orders/{order}/transitions/", {"transition": "cancel"}),
        ("post", "/api/v1/orders/{order}/payments/", {"amount": "1.00"}),
        ("post", "/api/v1/orders/{order}/shipments/", {"carrier": "СДЭК"}),
        ("post", "/api/v1/webhooks/", {"url": "https://erp.example.com/", "events": ["order.*"]}),
    ],
)
def test_every_write_refuses_unknown_fields(admin_api, catalog, method, path, body):
    order = OrderFactory(state=State.REQUEST)
    path = path.format(customer=catalog["customer"].pk, item=catalog["chair"].pk, order=order.pk)
    customers_before = Customer.objects.count()

    response = getattr(admin_api, method)(path, {**body, "colour": "red"}, format="json")

    assert_problem(response, 422, colour="Unknown field.")
    assert Customer.objects.count() == customers_before
    assert Payment.objects.count() == 0


def test_a_bulk_order_with_an_unknown_field_is_rejected_naming_it(manager_api, catalog):
    response = manager_api.post(
        "/api/v1/orders/bulk/", {"orders": [order_body(colour="red")]}, format="json"
    )

    assert response.status_code == 200
    [result] = response.json()["results"]
    assert result["status"] == "rejected"
    assert result["errors"] == {"colour": ["Unknown field."]}
    assert Order.objects.count() == 0


def test_read_only_fields_sent_back_are_ignored(admin_api, catalog):
    customer = catalog["customer"]
    read = admin_api.get(f"/api/v1/customers/{customer.pk}/").json()

    response = admin_api.put(
        f"/api/v1/customers/{customer.pk}/", {**read, "name": "Новое имя"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["name"] == "Новое имя"


# The schema


def test_the_new_statuses_are_documented(admin_api):
    schema = admin_api.get("/api/schema/?format=json").json()

    create = schema["paths"]["/api/v1/orders/"]["post"]["responses"]
    listing = schema["paths"]["/api/v1/orders/"]["get"]["responses"]
    assert {"413", "422", "500", "503"} <= create.keys()
    assert {"500", "503"} <= listing.keys()
    assert "413" not in listing
    assert "Unknown field." in create["422"]["description"]
