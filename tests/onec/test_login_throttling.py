"""Password guessing at /1c_exchange/: failed HTTP Basic logins are limited per login and
address, and a locked-out 1C is told why in a line it shows."""

import pytest

from integrations.onec.models import ExchangeLogEntry
from integrations.onec.profiles import SESSION_COOKIE
from tests.onec.conftest import LOGIN, PASSWORD, basic_auth

pytestmark = pytest.mark.django_db
URL = "/1c_exchange/"


@pytest.fixture(autouse=True)
def three_attempts(settings):
    settings.ONEC_LOGIN_FAILURE_LIMIT = 3


def _checkauth(client, password, *, login=LOGIN, address="10.0.0.1", language="ru"):
    return client.get(
        URL,
        {"type": "sale", "mode": "checkauth"},
        HTTP_AUTHORIZATION=basic_auth(login, password),
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE=language,
    )


def test_after_the_failed_attempts_even_the_right_password_is_refused_with_a_reason(
    client, profile
):
    for _ in range(3):
        assert _checkauth(client, "wrong").status_code == 401

    response = _checkauth(client, PASSWORD)

    lines = response.content.decode().split("\n")
    assert response.status_code == 200
    assert lines[0] == "failure"
    assert "Слишком много неудачных входов как «1c-exchange» с этого адреса" in lines[1]
    assert "15 минут" in lines[1]
    assert SESSION_COOKIE not in response.content.decode()
    entry = ExchangeLogEntry.objects.filter(mode="checkauth").first()
    assert entry.result == ExchangeLogEntry.Result.FAILURE
    assert entry.message == lines[1]


def test_the_reason_is_english_for_an_english_client(client, profile):
    for _ in range(3):
        _checkauth(client, "wrong", language="en")

    response = _checkauth(client, PASSWORD, language="en")

    assert response.content.decode().startswith(
        "failure\nToo many failed logins as “1c-exchange” from this address"
    )


def test_fewer_failures_than_the_limit_leave_the_right_password_working(client, profile):
    for _ in range(2):
        _checkauth(client, "wrong")

    response = _checkauth(client, PASSWORD)

    assert response.content.decode().split("\n")[:2] == ["success", SESSION_COOKIE]


def test_the_lock_is_per_login_and_address(client, profile):
    for _ in range(3):
        _checkauth(client, "wrong")

    from_elsewhere = _checkauth(client, PASSWORD, address="10.0.0.2")
    other_login = _checkauth(client, "whatever", login="someone-else")

    assert from_elsewhere.content.decode().startswith("success\n")
    assert other_login.status_code == 401


def test_many_logins_from_one_address_are_limited_too(client, profile):
    # The per-address limit is ten times the per-login one: 30 failures over 30 logins.
    for number in range(30):
        _checkauth(client, "wrong", login=f"guess-{number}")

    response = _checkauth(client, PASSWORD)

    assert response.content.decode().startswith("failure\n")


def test_calls_without_a_session_are_counted_as_well(client, profile):
    for _ in range(3):
        response = client.get(
            URL,
            {"type": "sale", "mode": "query"},
            HTTP_AUTHORIZATION=basic_auth(LOGIN, "wrong"),
            REMOTE_ADDR="10.0.0.1",
        )
        assert response.status_code == 401

    assert _checkauth(client, PASSWORD).content.decode().startswith("failure\n")


def test_a_call_without_credentials_is_not_a_failed_attempt(client, profile):
    for _ in range(5):
        assert client.get(URL, {"type": "sale", "mode": "checkauth"}).status_code == 401

    assert _checkauth(client, PASSWORD).content.decode().startswith("success\n")
