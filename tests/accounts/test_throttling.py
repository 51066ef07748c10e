"""Sign-up and password reset send email to a typed address: a few posts an hour per
client address, then 429 with the reason, and nothing is created or sent."""

import pytest
from django.core import mail
from django.test import Client

from accounts.models import User
from tests.accounts.test_registration import FORM
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def low_rates(settings):
    settings.SIGNUP_RATE = "2/h"
    settings.PASSWORD_RESET_RATE = "2/h"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _browser(address="203.0.113.7"):
    return Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR=address)


def test_sign_ups_over_the_rate_get_429_and_create_nothing():
    browser = _browser()
    browser.post("/accounts/register/", {**FORM, "email": "one@example.com"})
    browser.post("/accounts/register/", {**FORM, "email": "bad-email"})

    refused = browser.post("/accounts/register/", {**FORM, "email": "three@example.com"})

    assert refused.status_code == 429
    assert "Too many sign-ups from your network" in refused.content.decode()
    # The form comes back filled in, so nothing typed is lost.
    assert 'value="three@example.com"' in refused.content.decode()
    assert not User.objects.filter(email="three@example.com").exists()
    assert [message.to for message in mail.outbox] == [["one@example.com"]]


def test_another_address_and_the_form_page_itself_are_not_limited():
    browser = _browser()
    for number in range(3):
        browser.post("/accounts/register/", {**FORM, "email": f"n{number}@example.com"})

    assert browser.get("/accounts/register/").status_code == 200
    other = _browser("198.51.100.9").post(
        "/accounts/register/", {**FORM, "email": "other@example.com"}
    )
    assert other.status_code == 200
    assert User.objects.filter(email="other@example.com").exists()


def test_password_reset_requests_over_the_rate_get_429_and_send_nothing():
    UserFactory(email="anna@example.com")
    browser = _browser()
    for _ in range(2):
        sent = browser.post("/accounts/password/reset/", {"email": "anna@example.com"})
        assert sent.status_code == 302

    refused = browser.post("/accounts/password/reset/", {"email": "anna@example.com"})

    assert refused.status_code == 429
    assert "Too many reset requests" in refused.content.decode()
    assert len(mail.outbox) == 2
