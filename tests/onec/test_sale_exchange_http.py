"""1C's call sequences over HTTP, as УНФ and УТ make them, with the state after each."""

import pytest
from django.core.management import call_command
from django.utils.translation import gettext
from lxml import etree

from customers.models import Customer
from integrations.onec.models import (
    ExchangeLogEntry,
    IntegrationProfile,
    OrderExchange,
    StatusMapping,
)
from integrations.onec.profiles import SESSION_COOKIE
from integrations.onec.schemas import schema_errors
from orders.lifecycle import State
from orders.models import OrderEvent, Payment
from orders.services import order_transition
from tests.factories import CustomerFactory
from tests.onec.conftest import basic_auth

pytestmark = pytest.mark.django_db
URL = "/1c_exchange/"


def _call(client, exchange_type, mode, *, body=None, **params):
    query = {"type": exchange_type, "mode": mode, **params}
    if body is None:
        return client.get(URL, query)
    url = URL + "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return client.post(url, data=body, content_type="application/octet-stream")


def _checkauth(client, exchange_type="sale"):
    response = client.get(
        URL, {"type": exchange_type, "mode": "checkauth"}, HTTP_AUTHORIZATION=basic_auth()
    )
    lines = response.content.decode().split("\n")
    assert lines[0] == "success"
    assert lines[1] == SESSION_COOKIE
    client.cookies[lines[1]] = lines[2]
    return lines


def _numbers(response) -> list[str]:
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf<?xml")
    root = etree.fromstring(response.content)
    assert schema_errors(root, "2.08") == []
    return [document.findtext("Номер") for document in root]


def _changes_file(*documents: dict) -> bytes:
    """A file as 1C sends it back: windows-1251, no namespace, requisites by name."""
    parts = ['<?xml version="1.0" encoding="windows-1251"?>']
    parts.append(
        '<КоммерческаяИнформация ВерсияСхемы="2.08" ДатаФормирования="2026-12-06T10:00:00">'
    )
    for document in documents:
        requisites = "".join(
            f"<ЗначениеРеквизита><Наименование>{name}</Наименование>"
            f"<Значение>{value}</Значение></ЗначениеРеквизита>"
            for name, value in document["requisites"].items()
        )
        parts.append(
            f"<Документ><Ид>{document['number']}</Ид><Номер>{document['number']}</Номер>"
            f"<Дата>2026-12-06</Дата><ХозОперация>Заказ товара</ХозОперация>"
            f"<Сумма>{document.get('total', '100.00')}</Сумма>"
            f"<ЗначенияРеквизитов>{requisites}</ЗначенияРеквизитов></Документ>"
        )
    parts.append("</КоммерческаяИнформация>")
    return "".join(parts).encode("cp1251")


def test_unf_query_success_without_init_loses_no_order_and_sends_none_twice(
    client, profile, make_order
):
    first, second, bad = make_order(), make_order(), make_order()
    Customer.objects.filter(pk=bad.customer_id).update(name="  ")

    _checkauth(client)
    _checkauth(client)  # УНФ may log in twice; the last cookie is used
    sent = _numbers(_call(client, "sale", "query"))
    assert sent == [first.number, second.number]
    exchange = OrderExchange.objects.get(order=bad)
    assert exchange.held_reason == gettext("The buyer has no name.")

    # A query without success sends the same orders again.
    assert _numbers(_call(client, "sale", "query")) == sent
    assert not OrderExchange.objects.filter(acknowledged_version__isnull=False).exists()

    assert _call(client, "sale", "success").content == b"success"
    assert set(
        OrderExchange.objects.filter(acknowledged_version__isnull=False).values_list(
            "order__number", flat=True
        )
    ) == {first.number, second.number}

    later = make_order()
    assert _numbers(_call(client, "sale", "query")) == [later.number]
    assert _call(client, "sale", "success").content == b"success"
    assert _numbers(_call(client, "sale", "query")) == []

    log = ExchangeLogEntry.objects.filter(profile=profile, mode="query").first()
    assert log.orders_sent == []
    assert log.orders_held == [
        {"number": bad.number, "reasons": [gettext("The buyer has no name.")]}
    ]
    success = ExchangeLogEntry.objects.filter(profile=profile, mode="success")
    assert [entry.orders_acknowledged for entry in success] == [[later.number], sent]


def test_unf_changes_are_recorded_once_when_the_same_file_comes_twice(
    client, profile, make_order, manager
):
    StatusMapping.objects.create(profile=profile, onec_status="Отгружен", state=State.DELIVERY)
    # A retail order: it pays before production and ships after.
    paid = make_order(customer=CustomerFactory(kind=Customer.Kind.PERSON))
    paid = order_transition(order=paid, transition="request_payment", by=manager)
    cancelled = make_order()
    _checkauth(client)
    _numbers(_call(client, "sale", "query"))
    _call(client, "sale", "success")

    _checkauth(client)
    init = _call(client, "sale", "init")
    assert init.content.decode().split("\n") == ["zip=no", f"file_limit={profile.file_limit}"]
    changes = _changes_file(
        {
            "number": paid.number,
            "total": paid.total,
            "requisites": {
                "Номер по 1С": "УТ-000123",
                "Дата по 1С": "2026-12-06T10:00:00",
                "Номер оплаты по 1С": "ПП-77",
                "Дата оплаты по 1С": "2026-12-06T11:00:00",
                "Статус заказа": "Отгружен",
            },
        },
        {
            "number": cancelled.number,
            "requisites": {"ПометкаУдаления": "true", "Дата оплаты по 1С": "T"},
        },
        {"number": "НЕТ-ТАКОГО", "requisites": {"Отменен": "true"}},
    )
    for _attempt in range(2):
        response = _call(client, "sale", "file", body=changes, filename="C:\\1C\\orders.xml")
        assert response.content == b"success"

    paid.refresh_from_db()
    cancelled.refresh_from_db()
    payments = Payment.objects.filter(order=paid)
    assert [(p.reference, p.amount) for p in payments] == [("1C:ПП-77", paid.total)]
    assert paid.state == State.DELIVERY
    assert OrderEvent.objects.filter(order=paid, to_state=State.DELIVERY).count() == 1
    assert cancelled.state == State.CANCELLED
    assert cancelled.cancel_reason == "Отменён в 1С"
    assert OrderEvent.objects.filter(order=cancelled, to_state=State.CANCELLED).count() == 1
    exchange = OrderExchange.objects.get(order=paid)
    assert (exchange.onec_number, exchange.onec_date) == ("УТ-000123", "2026-12-06T10:00:00")
    # 1C's own changes do not travel back to it.
    assert _numbers(_call(client, "sale", "query")) == []
    file_log = ExchangeLogEntry.objects.filter(mode="file").first()
    assert file_log.filename == "orders.xml"
    assert f"НЕТ-ТАКОГО: {gettext('no such order here')}" in file_log.message


def test_ut_sequence_with_init_and_import(client, profile, make_order):
    order = make_order()
    _checkauth(client)
    assert (
        _call(client, "sale", "init").content == f"zip=no\nfile_limit={profile.file_limit}".encode()
    )
    assert _numbers(_call(client, "sale", "query", version="2.08", sessid="x")) == [order.number]
    assert _call(client, "sale", "success").content == b"success"
    body = _changes_file({"number": order.number, "requisites": {"Номер по 1С": "42"}})
    assert _call(client, "sale", "file", body=body, filename="to.xml").content == b"success"
    assert _call(client, "sale", "import", filename="to.xml").content == b"success"
    assert OrderExchange.objects.get(order=order).onec_number == "42"


def test_a_changed_order_goes_again_and_a_cancellation_reaches_1c(
    client, profile, make_order, manager
):
    order = make_order()
    _checkauth(client)
    _numbers(_call(client, "sale", "query"))
    _call(client, "sale", "success")

    order_transition(order=order, transition="cancel", by=manager, reason="Передумал")

    response = _call(client, "sale", "query")
    assert _numbers(response) == [order.number]
    assert (
        "<Значение>true</Значение>" in response.content.decode("utf-8-sig").split("Отменен")[1][:80]
    )


def test_without_credentials_1c_is_asked_to_log_in(client, profile):
    response = client.get(URL, {"type": "sale", "mode": "checkauth"})
    wrong = client.get(
        URL, {"type": "sale", "mode": "checkauth"}, HTTP_AUTHORIZATION=basic_auth(password="x")
    )
    query = client.get(URL, {"type": "sale", "mode": "query"})

    for answer in (response, wrong, query):
        assert answer.status_code == 401
        assert answer["WWW-Authenticate"].startswith("Basic")
        assert answer.content.startswith(b"failure\n")
    assert not OrderExchange.objects.exists()


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "The file is empty."),
        (b"<not xml", "The file is not well-formed XML: %s"),
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>',
            "The file declares a DTD or entities: %s",
        ),
    ],
)
def test_bad_files_get_a_failure_line_never_a_500(client, profile, body, reason):
    _checkauth(client)

    response = _call(client, "sale", "file", body=body, filename="../../etc/passwd")

    assert response.status_code == 200
    lines = response.content.decode().split("\n")
    assert lines[0] == "failure"
    assert lines[1].startswith(gettext(reason).split("%s")[0])
    entry = ExchangeLogEntry.objects.filter(mode="file").first()
    assert entry.result == ExchangeLogEntry.Result.FAILURE
    assert entry.filename == "passwd"


def test_a_file_over_the_limit_is_refused(client, profile):
    IntegrationProfile.objects.filter(pk=profile.pk).update(file_limit=100)
    _checkauth(client)

    response = _call(client, "sale", "file", body=b"<a>" + b"x" * 200 + b"</a>", filename="big.xml")

    expected = gettext("The file is larger than file_limit (%(limit)d bytes).") % {"limit": 100}
    assert response.content.decode() == f"failure\n{expected}"


def test_unknown_type_and_mode_are_failures(client, profile):
    _checkauth(client)

    assert _call(client, "nope", "query").content.startswith(b"failure\n")
    assert _call(client, "sale", "nope").content.startswith(b"failure\n")
    assert _call(client, "catalog", "import").content.startswith(b"failure\n")


def test_the_command_makes_a_profile_1c_can_log_in_with(client, capsys):
    call_command("create_onec_profile", "УТ", login="ut", password="pw-ut", schema_version="2.10")

    assert "/1c_exchange/" in capsys.readouterr().out
    profile = IntegrationProfile.objects.get(login="ut")
    assert profile.password != "pw-ut"
    assert profile.service_user.groups.get().name == "integration"
    response = client.get(
        "/1c_exchange", {"type": "sale", "mode": "checkauth"},
        HTTP_AUTHORIZATION=basic_auth("ut", "pw-ut"),
    )  # fmt: skip
    assert response.content.startswith(b"success\n")


def test_a_query_costs_the_same_queries_for_three_orders_or_twelve(
    client, profile, make_order, django_assert_max_num_queries
):
    for _index in range(12):
        make_order()
    _checkauth(client)

    with django_assert_max_num_queries(14):
        assert len(_numbers(_call(client, "sale", "query"))) == 12


def test_admins_see_held_orders_and_the_log_in_a_bounded_number_of_queries(
    client, profile, make_order, admin_user_role, django_assert_max_num_queries
):
    for _index in range(5):
        Customer.objects.filter(pk=make_order().customer_id).update(name="")
    _checkauth(client)
    _call(client, "sale", "query")
    client.force_login(admin_user_role)

    with django_assert_max_num_queries(16):
        held = client.get("/django-admin/onec/orderexchange/")
    with django_assert_max_num_queries(16):
        log = client.get("/django-admin/onec/exchangelogentry/")

    assert held.status_code == log.status_code == 200
    assert held.content.decode().count(gettext("The buyer has no name.")) == 5
    assert "query" in log.content.decode()
