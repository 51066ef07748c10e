"""A new client signs up, confirms the email, and edits the profile."""

import re

import pytest
from django.core import mail
from django.test import Client

from accounts.models import User
from customers.models import Contact, Customer

pytestmark = pytest.mark.django_db

FORM = {
    "kind": "company",
    "organisation": "ООО «Новый клиент»",
    "inn": "",
    "name": "Ирина",
    "email": "Irina@Example.com",
    "phone": "+7 900 000-00-00",
    "password": "a-long-enough-passphrase",
}


@pytest.fixture
def client():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def _confirmation_link(message) -> str:
    return re.search(r"http://\S+/accounts/register/confirm/\S+/", message.body).group(0)


def test_sign_up_confirm_and_land_in_the_client_portal(client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    page = client.post("/accounts/register/", FORM)

    user = User.objects.get(email="irina@example.com")
    assert "We have sent a link to irina@example.com" in page.content.decode()
    assert not user.is_active
    contact = Contact.objects.get(user=user)
    assert (contact.customer.name, contact.customer.kind) == ("ООО «Новый клиент»", "company")
    assert (
        client.post(
            "/accounts/login/", {"username": user.username, "password": FORM["password"]}
        ).status_code
        == 200
    )  # refused: not confirmed yet

    link = _confirmation_link(mail.outbox[0]).removeprefix(settings.SITE_URL)
    landed = client.get(link, follow=True)

    assert landed.redirect_chain[-1][0] == "/client/"
    user.refresh_from_db()
    assert user.is_active
    # The link works once.
    client.logout()
    again = client.get(link, follow=True)
    assert "wrong or was used already" in again.content.decode()


def test_a_company_needs_its_name_and_nothing_is_created(client):
    response = client.post("/accounts/register/", {**FORM, "organisation": " "})

    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert not User.objects.filter(email="irina@example.com").exists()
    assert not Customer.objects.exists()


def test_a_taken_email_and_a_weak_password_are_named(client):
    User.objects.create_user("old", email="irina@example.com", password="x")

    response = client.post("/accounts/register/", {**FORM, "password": "123"})

    page = response.content.decode()
    assert "An account with this email exists" in page
    assert "This password is too short" in page
    assert User.objects.count() == 1


def test_a_bad_inn_is_named(client):
    response = client.post("/accounts/register/", {**FORM, "inn": "1234567890"})

    assert "is-invalid" in response.content.decode()
    assert not Customer.objects.exists()


def test_the_profile_edits_only_the_logged_in_user(client, client_user):
    client.force_login(client_user)

    client.post(
        "/accounts/profile/",
        {
            "first_name": "Пётр",
            "last_name": "Иванов",
            "email": "petr@example.com",
            "phone": "123",
            "language": "en",
        },
    )

    client_user.refresh_from_db()
    assert (client_user.first_name, client_user.language) == ("Пётр", "en")
    assert Client().get("/accounts/profile/").status_code == 302
