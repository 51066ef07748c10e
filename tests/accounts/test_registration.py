"""A new client signs up, confirms the email, and edits the profile."""

import re

import pytest
from django.core import mail
from django.test import Client

from accounts.models import User
from accounts.roles import Role
from accounts.services import user_active_set
from customers.models import Contact, Customer
from notifications.dispatch import delivery_attempt, outbox_message_dispatch
from notifications.models import Delivery, OutboxMessage
from tests.factories import UserFactory

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


def deliver_outbox() -> list[str]:
    """What the worker does after commit: fan the pending rows out, attempt each delivery."""
    for message in OutboxMessage.objects.filter(status="pending").order_by("id"):
        outbox_message_dispatch(message.pk)
    return [
        delivery_attempt(pk)
        for pk in Delivery.objects.filter(status="pending")
        .order_by("id")
        .values_list("pk", flat=True)
    ]


def test_sign_up_confirm_and_land_in_the_client_portal(client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    page = client.post("/accounts/register/", FORM)
    assert deliver_outbox() == ["delivered"]

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
            "phone": "8 912 345-67-89",
            "language": "en",
        },
    )

    client_user.refresh_from_db()
    assert (client_user.first_name, client_user.language) == ("Пётр", "en")
    assert client_user.phone.as_e164 == "+79123456789"
    assert Client().get("/accounts/profile/").status_code == 302


class RefusingEmailBackend:
    """A mail server that is down: every send is refused, as SMTP to a closed port is."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")


REFUSING = "tests.accounts.test_registration.RefusingEmailBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def _pending(email="irina@example.com"):
    return User.objects.get(email=email, is_active=False, is_pending_confirmation=True)


def test_with_the_mail_server_down_sign_up_answers_and_the_email_goes_out_once_it_is_back(
    client, settings
):
    settings.EMAIL_BACKEND = REFUSING

    page = client.post("/accounts/register/", FORM)

    assert page.status_code == 200
    assert "We have sent a link to irina@example.com" in page.content.decode()
    user = _pending()
    message = OutboxMessage.objects.get()
    assert (message.topic, message.aggregate_type, message.aggregate_id) == (
        "account.signup_confirmation",
        "user",
        user.pk,
    )
    assert message.payload == {"user_id": user.pk, "email": "irina@example.com", "language": "en"}
    # The worker tries while the server is down: kept for a retry, nothing sent.
    assert deliver_outbox() == ["retry"]
    assert mail.outbox == []
    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.address) == ("email", "irina@example.com")
    assert "ConnectionRefusedError" in delivery.last_error

    settings.EMAIL_BACKEND = LOCMEM
    Delivery.objects.update(next_attempt_at=delivery.created_at)
    assert delivery_attempt(delivery.pk) == "delivered"
    assert delivery_attempt(delivery.pk) == "skipped"

    assert len(mail.outbox) == 1
    letter = mail.outbox[0]
    assert (letter.to, letter.subject) == (["irina@example.com"], "Confirm your email address")
    assert letter.body.startswith("Hello, Ирина!")
    link = _confirmation_link(letter)
    assert link in letter.alternatives[0][0]
    landed = client.get(link.removeprefix(settings.SITE_URL), follow=True)
    assert landed.redirect_chain[-1][0] == "/client/"
    user.refresh_from_db()
    assert (user.is_active, user.is_pending_confirmation) == (True, False)


def test_the_email_is_in_the_language_of_the_sign_up(settings):
    settings.EMAIL_BACKEND = LOCMEM

    Client(HTTP_ACCEPT_LANGUAGE="ru").post("/accounts/register/", FORM)
    deliver_outbox()

    assert mail.outbox[0].subject == "Подтвердите адрес электронной почты"
    assert mail.outbox[0].body.startswith("Здравствуйте, Ирина!")


def test_a_sign_up_that_fails_validation_writes_no_email(client):
    client.post("/accounts/register/", {**FORM, "password": "123"})

    assert not User.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_the_link_asked_for_again_is_a_new_email_and_either_link_confirms(client, settings):
    settings.EMAIL_BACKEND = LOCMEM
    client.post("/accounts/register/", FORM)
    deliver_outbox()

    page = client.post("/accounts/register/resend/", {"email": "IRINA@example.com"})

    assert page.status_code == 200
    assert "we have sent a new link" in page.content.decode()
    assert OutboxMessage.objects.filter(topic="account.signup_confirmation").count() == 2
    assert deliver_outbox() == ["delivered"]
    first, second = mail.outbox
    assert second.to == ["irina@example.com"]
    client.get(_confirmation_link(second).removeprefix(settings.SITE_URL))
    assert User.objects.get(email="irina@example.com").is_active
    # Once confirmed, the older link is spent too.
    client.logout()
    again = client.get(_confirmation_link(first).removeprefix(settings.SITE_URL), follow=True)
    assert "wrong or was used already" in again.content.decode()


def _resend_page(client, email) -> tuple[int, str]:
    response = client.post("/accounts/register/resend/", {"email": email})
    # The address is echoed and each page carries a fresh CSRF token; with those taken
    # out, every answer must read the same.
    page = response.content.decode().replace(email, "ADDRESS")
    return response.status_code, re.sub(r"\b[A-Za-z0-9]{64}\b", "TOKEN", page)


def test_resend_answers_the_same_for_unknown_active_and_switched_off_addresses(client):
    client.post("/accounts/register/", FORM)
    OutboxMessage.objects.all().delete()
    User.objects.create_user("anna", email="anna@example.com", password="x")
    switched_off = User.objects.create_user("boris", email="boris@example.com", password="x")
    switched_off.is_active = False
    switched_off.save()

    pending = _resend_page(client, "irina@example.com")
    answers = {
        _resend_page(client, email)
        for email in ("nobody@example.com", "anna@example.com", "boris@example.com")
    }

    assert answers == {pending}
    assert pending[0] == 200
    assert [m.payload["email"] for m in OutboxMessage.objects.all()] == ["irina@example.com"]


def test_an_account_switched_off_by_an_administrator_cannot_reactivate_itself(client, settings):
    settings.EMAIL_BACKEND = LOCMEM
    client.post("/accounts/register/", FORM)
    deliver_outbox()
    link = _confirmation_link(mail.outbox[0]).removeprefix(settings.SITE_URL)
    client.get(link)
    client.logout()
    user = User.objects.get(email="irina@example.com")
    user.is_active = False
    user.save(update_fields=["is_active"])

    client.post("/accounts/register/resend/", {"email": "irina@example.com"})
    again = client.get(link, follow=True)

    assert OutboxMessage.objects.filter(status="pending").count() == 0
    assert "wrong or was used already" in again.content.decode()
    user.refresh_from_db()
    assert not user.is_active


def test_a_sign_up_let_in_by_an_administrator_and_switched_off_later_stays_off(client):
    client.post("/accounts/register/", FORM)
    administrator = UserFactory(role=Role.ADMIN)
    user = user_active_set(user=_pending(), active=True, by=administrator)
    user_active_set(user=user, active=False, by=administrator)
    OutboxMessage.objects.all().delete()

    client.post("/accounts/register/resend/", {"email": "irina@example.com"})

    user.refresh_from_db()
    assert (user.is_active, user.is_pending_confirmation) == (False, False)
    assert not OutboxMessage.objects.exists()


def test_a_letter_still_queued_when_the_account_is_confirmed_is_not_sent(client, settings):
    settings.EMAIL_BACKEND = LOCMEM
    client.post("/accounts/register/", FORM)
    client.post("/accounts/register/resend/", {"email": "irina@example.com"})
    first = OutboxMessage.objects.order_by("id").first()
    outbox_message_dispatch(first.pk)
    delivery_attempt(Delivery.objects.get().pk)
    client.get(_confirmation_link(mail.outbox[0]).removeprefix(settings.SITE_URL))

    assert deliver_outbox() == ["delivered"]

    assert len(mail.outbox) == 1


def test_signing_up_again_with_an_unconfirmed_email_points_to_the_link_again(client):
    client.post("/accounts/register/", FORM)

    again = client.post("/accounts/register/", {**FORM, "password": "another-long-passphrase"})

    page = again.content.decode()
    assert "not confirmed it yet: ask for the confirmation link again" in page
    assert 'href="/accounts/register/resend/?email=Irina%40Example.com"' in page
    assert User.objects.count() == 1
    assert OutboxMessage.objects.count() == 1


def test_the_login_page_offers_the_link_again(client):
    page = client.get("/accounts/login/").content.decode()

    assert 'action="/accounts/register/resend/"' in page
    assert "Send the link again" in page


def test_the_profile_refuses_a_phone_that_is_no_number(client, client_user):
    client.force_login(client_user)

    response = client.post(
        "/accounts/profile/",
        {"first_name": "Пётр", "email": "petr@example.com", "phone": "123", "language": "ru"},
    )

    assert response.status_code == 200
    assert "phone" in response.context["form"].errors
    client_user.refresh_from_db()
    assert client_user.first_name != "Пётр"
