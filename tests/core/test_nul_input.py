"""A NUL character in a page's query string is a 400 page, never a database error.
Posted forms mark the field instead (e.g. tests/portals/test_manager_orders.py); the API
answers with its own problem (tests/api/test_edge.py)."""

import pytest
from django.test import Client

from tests.factories import ContactFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_browser(db):
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(ContactFactory().user)
    return browser


@pytest.fixture
def admin_browser(db):
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(UserFactory(role="admin"))
    return browser


@pytest.mark.parametrize(
    "params",
    [
        {"attr-material": "Дуб\x00"},
        {"attr-\x00": "Дуб"},
        {"q": "диван\x00"},
        {"price_min": "\x00"},
    ],
)
def test_the_catalog_refuses_nul_in_its_filters(client_browser, params):
    response = client_browser.get("/client/catalog/", params)

    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


def test_searches_read_straight_from_the_query_string_are_covered_too(admin_browser):
    users = admin_browser.get("/admin-portal/users/", {"q": "anna\x00"})
    customers = admin_browser.get("/manager/customers/", {"q": "Ромашка\x00"})

    assert (users.status_code, customers.status_code) == (400, 400)


def test_the_same_pages_work_without_nul(client_browser):
    assert client_browser.get("/client/catalog/", {"q": "диван"}).status_code == 200


def test_the_api_still_answers_with_its_problem(db):
    response = Client().get("/api/v1/orders/", {"state": "\x00"})

    assert response.status_code in (400, 401, 403)
    assert response["Content-Type"].startswith("application/problem+json")
