import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_login_page_is_russian_by_default(client):
    response = client.get(reverse("accounts:login"))

    assert response.status_code == 200
    assert "Войти" in response.content.decode()


def test_language_switches_to_english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    response = client.get(reverse("accounts:login"))

    assert "Log in" in response.content.decode()


def test_login_with_valid_password_goes_to_portal(client):
    user = UserFactory(role="manager")

    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": TEST_PASSWORD}
    )

    assert response.status_code == 302
    assert response.url == reverse("home")


def test_wrong_password_returns_the_form_with_an_error(client):
    user = UserFactory(role="manager")

    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": "wrong"}
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session


def test_logout_needs_post(client):
    client.force_login(UserFactory(role="manager"))

    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_working_link(client):
    user = UserFactory(role="client", email="reset-me@example.com")

    client.post(reverse("accounts:password_reset"), {"email": "reset-me@example.com"})

    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"new_password1": "Nov-pass-2026!", "new_password2": "Nov-pass-2026!"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Nov-pass-2026!")


def test_password_change(client):
    user = UserFactory(role="manager")
    client.force_login(user)

    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "Other-pass-2026!",
            "new_password2": "Other-pass-2026!",
        },
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Other-pass-2026!")


def test_password_guessing_is_locked_out_for_that_login_and_address(client):
    user = UserFactory(role="manager")
    url = reverse("accounts:login")

    for _attempt in range(5):
        client.post(url, {"username": user.username, "password": "wrong"})
    locked = client.post(url, {"username": user.username, "password": TEST_PASSWORD})
    logged_in_after_lockout = "_auth_user_id" in client.session
    other_user = UserFactory(role="manager")
    unaffected = client.post(url, {"username": other_user.username, "password": TEST_PASSWORD})

    assert locked.status_code == 429
    assert "Too many" in locked.content.decode() or "попыток" in locked.content.decode()
    assert logged_in_after_lockout is False
    assert unaffected.status_code == 302
    assert client.session["_auth_user_id"] == str(other_user.pk)
