"""Sign-up and password reset send email to a typed address: a few posts an hour per
client address, then 429 with the reason, and nothing is created or sent."""

import pytest
from django.core import mail
from django.test import Client

from accounts.models import User
from notifications.models import OutboxMessage
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
    assert [message.payload["email"] for message in OutboxMessage.objects.all()] == [
        "one@example.com"
    ]


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


def _confirmation_emails() -> list[str]:
    return [
        message.payload["email"]
        for message in OutboxMessage.objects.filter(topic="account.signup_confirmation")
    ]


def test_asking_for_the_link_again_counts_with_the_sign_ups_and_over_the_rate_sends_nothing():
    browser = _browser()
    browser.post("/accounts/register/", {**FORM, "email": "one@example.com"})
    browser.post("/accounts/register/resend/", {"email": "one@example.com"})

    refused = browser.post("/accounts/register/resend/", {"email": "one@example.com"})

    assert refused.status_code == 429
    assert "Too many requests. Try again in an hour." in refused.content.decode()
    assert _confirmation_emails() == ["one@example.com", "one@example.com"]
    # An address that is not even known is refused the same way: the limit tells nothing.
    unknown = browser.post("/accounts/register/resend/", {"email": "nobody@example.com"})
    assert unknown.status_code == 429


def test_one_mailbox_gets_a_few_links_an_hour_however_many_networks_ask():
    _browser("198.51.100.1").post("/accounts/register/", {**FORM, "email": "one@example.com"})
    for number in range(2, 5):
        _browser(f"198.51.100.{number}").post(
            "/accounts/register/resend/", {"email": "One@Example.com"}
        )

    assert _confirmation_emails() == ["one@example.com"] * 3
