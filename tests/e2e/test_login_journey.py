import pytest
from playwright.sync_api import expect

from tests.factories import TEST_PASSWORD, ContactFactory, UserFactory

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


def test_manager_logs_in_and_lands_on_the_orders_desk(page, live_server):
    UserFactory(username="maria", first_name="Мария", last_name="Смирнова", role="manager")

    _log_in(page, live_server, "maria")

    expect(page).to_have_url(f"{live_server.url}/manager/")
    expect(page.get_by_role("heading", name="Рабочий стол заказов")).to_be_visible()
    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="Выйти").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")


def test_client_sees_own_account_and_is_refused_the_manager_portal(page, live_server):
    contact = ContactFactory(user__username="elena", customer__name="ООО «Ромашка»")
    contact.customer.ledger_entries.create(kind="payment", amount="1234.50")

    _log_in(page, live_server, "elena")

    expect(page).to_have_url(f"{live_server.url}/client/")
    expect(page.get_by_test_id("customer-name")).to_have_text("ООО «Ромашка»")
    expect(page.get_by_test_id("balance")).to_contain_text("1")
    response = page.goto(f"{live_server.url}/manager/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="Доступ запрещён")).to_be_visible()


def test_wrong_password_shows_an_error(page, live_server):
    UserFactory(username="pavel", role="manager")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Имя пользователя").fill("pavel")
    page.get_by_label("Пароль").fill("wrong-password")
    page.get_by_role("button", name="Войти").click()

    expect(page.locator(".alert-danger, .invalid-feedback, .alert-block")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
