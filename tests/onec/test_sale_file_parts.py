"""The orders file 1C sends back in parts of file_limit bytes: appended until whole, then
applied once, with or without УТ's `import`."""

import pytest

from integrations.onec.catalog_uploads import session_folder
from integrations.onec.models import (
    ExchangeLogEntry,
    ExchangeSession,
    IntegrationProfile,
    OrderExchange,
)
from tests.onec.test_sale_exchange_http import _call, _changes_file, _checkauth

pytestmark = pytest.mark.django_db
LIMIT = 256


@pytest.fixture
def small_limit(profile):
    IntegrationProfile.objects.filter(pk=profile.pk).update(file_limit=LIMIT)
    profile.refresh_from_db()
    return profile


def _parts(body: bytes, size: int) -> list[bytes]:
    return [body[start : start + size] for start in range(0, len(body), size)]


def _file(order, number_in_1c: str, padding: int = 0) -> bytes:
    requisites = {"Номер по 1С": number_in_1c, "Комментарий": "x" * padding}
    return _changes_file({"number": order.number, "requisites": requisites})


def test_parts_are_appended_and_the_file_applied_on_its_short_last_part(
    client, small_limit, make_order
):
    order = make_order()
    body = _file(order, "УТ-1")
    parts = _parts(body, LIMIT)
    assert len(parts) >= 3
    assert len(parts[-1]) < LIMIT
    _checkauth(client)

    for part in parts[:-1]:
        assert _call(client, "sale", "file", body=part, filename="orders.xml").content == (
            b"success"
        )
        assert OrderExchange.objects.filter(order=order, onec_number="УТ-1").count() == 0

    assert _call(client, "sale", "file", body=parts[-1], filename="orders.xml").content == (
        b"success"
    )

    assert OrderExchange.objects.get(order=order).onec_number == "УТ-1"
    session = ExchangeSession.objects.get()
    assert list(session_folder(session).iterdir()) == []  # applied and gone
    messages = list(ExchangeLogEntry.objects.filter(mode="file").values_list("message", flat=True))
    assert messages[0].startswith(order.number)
    assert len(messages) == len(parts)


def test_a_file_of_whole_parts_is_applied_when_it_parses_or_on_import(
    client, small_limit, make_order
):
    order = make_order()
    body = _file(order, "УТ-2")
    # Padded so that the file is exactly three parts of the limit.
    body = _file(order, "УТ-2", padding=3 * LIMIT - len(body))
    assert len(body) == 3 * LIMIT
    _checkauth(client)

    for part in _parts(body, LIMIT):
        assert _call(client, "sale", "file", body=part, filename="orders.xml").content == (
            b"success"
        )

    # Whole once the last part came, though no part was short.
    assert OrderExchange.objects.get(order=order).onec_number == "УТ-2"
    assert _call(client, "sale", "import", filename="orders.xml").content == b"success"


def test_import_applies_nothing_twice_and_refuses_a_cut_file(client, small_limit, make_order):
    order = make_order()
    body = _file(order, "УТ-3", padding=600)
    _checkauth(client)

    _call(client, "sale", "file", body=body[:LIMIT], filename="orders.xml")
    response = _call(client, "sale", "import", filename="orders.xml")

    lines = response.content.decode().split("\n")
    assert lines[0] == "failure"
    assert lines[1]
    assert not OrderExchange.objects.filter(onec_number="УТ-3").exists()
    # Dropped: the retried exchange sends the file again from its start.
    for part in _parts(body, LIMIT):
        _call(client, "sale", "file", body=part, filename="orders.xml")
    assert OrderExchange.objects.get(order=order).onec_number == "УТ-3"


def test_a_broken_short_file_is_a_failure_and_not_kept(client, small_limit):
    _checkauth(client)

    response = _call(client, "sale", "file", body=b"<not xml", filename="orders.xml")

    assert response.content.decode().startswith("failure\n")
    assert list(session_folder(ExchangeSession.objects.get()).iterdir()) == []
