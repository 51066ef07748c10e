"""The admin portal's 1C pages: profiles, their status table and history, the exchange log
with the held-back orders and catalog imports, each guarded and bounded in queries."""

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from integrations.onec.models import (
    CatalogImportJob,
    ExchangeLogEntry,
    IntegrationProfile,
    OrderExchange,
    StatusMapping,
)
from integrations.onec.profile_settings import MappingChange, profile_save
from integrations.onec.profiles import log_write, profile_authenticate, profile_create
from integrations.onec.sale_exchange import sale_query
from orders.lifecycle import OrderKind, State
from tests.factories import UserFactory
from tests.onec.conftest import LOGIN, PASSWORD, basic_auth

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(admin_user_role):
    return admin_user_role


@pytest.fixture
def browser(admin):
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    client.force_login(admin)
    return client


def _form_data(**overrides) -> dict:
    data = {
        "name": "УТ склад",
        "login": "ut-sklad",
        "password": "pass-for-1c",
        "schema_version": "2.10",
        "encoding": "windows-1251",
        "exported_kinds": [OrderKind.PRODUCT],
        "exported_states": [State.REQUEST, State.PAYMENT],
        "price_type": "Розничная",
        "file_limit": "1048576",
        "mappings-TOTAL_FORMS": "2",
        "mappings-INITIAL_FORMS": "0",
        "mappings-MIN_NUM_FORMS": "0",
        "mappings-MAX_NUM_FORMS": "1000",
        "mappings-0-onec_status": "Отгружен",
        "mappings-0-state": State.DELIVERY,
        "mappings-1-onec_status": "",
        "mappings-1-state": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _edit_data(profile: IntegrationProfile, **overrides) -> dict:
    rows = list(profile.status_mappings.order_by("onec_status"))
    data = {
        "name": profile.name,
        "login": profile.login,
        "password": "",
        "schema_version": profile.schema_version,
        "encoding": profile.encoding,
        "exported_kinds": profile.exported_kinds,
        "exported_states": profile.exported_states,
        "price_type": profile.price_type,
        "file_limit": str(profile.file_limit),
        "mappings-TOTAL_FORMS": str(len(rows) + 2),
        "mappings-INITIAL_FORMS": str(len(rows)),
        "mappings-MIN_NUM_FORMS": "0",
        "mappings-MAX_NUM_FORMS": "1000",
    }
    if profile.uses_namespace:
        data["uses_namespace"] = "on"
    for index, row in enumerate(rows):
        data[f"mappings-{index}-pk"] = str(row.pk)
        data[f"mappings-{index}-onec_status"] = row.onec_status
        data[f"mappings-{index}-state"] = row.state
    for index in range(len(rows), len(rows) + 2):
        data[f"mappings-{index}-onec_status"] = ""
        data[f"mappings-{index}-state"] = ""
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_the_admin_home_links_the_1c_pages(browser):
    page = browser.get(reverse("portals_admin:home")).content.decode()

    assert reverse("onec_admin:profile_list") in page


def test_a_new_profile_is_made_with_a_hashed_password_and_its_status_table(browser, admin):
    response = browser.post(reverse("onec_admin:profile_new"), _form_data())

    profile = IntegrationProfile.objects.get(login="ut-sklad")
    assert response.status_code == 302
    assert response["Location"] == reverse("onec_admin:profile_edit", args=[profile.pk])
    assert identify_hasher(profile.password)
    assert "pass-for-1c" not in profile.password
    assert profile_authenticate("ut-sklad", "pass-for-1c") == profile
    assert (profile.schema_version, profile.encoding) == ("2.10", "windows-1251")
    assert profile.exported_kinds == [OrderKind.PRODUCT]
    assert profile.exported_states == [State.REQUEST, State.PAYMENT]
    assert profile.file_limit == 1048576
    assert profile.service_user.groups.filter(name=Role.INTEGRATION).exists()
    assert [(m.onec_status, m.state) for m in profile.status_mappings.all()] == [
        ("Отгружен", State.DELIVERY)
    ]
    assert profile.history.get().history_user == admin


def test_the_password_is_never_shown_and_an_empty_one_keeps_it(browser, profile):
    old_hash = profile.password

    page = browser.get(reverse("onec_admin:profile_edit", args=[profile.pk])).content.decode()
    response = browser.post(
        reverse("onec_admin:profile_edit", args=[profile.pk]),
        _edit_data(profile, price_type="Оптовая"),
    )

    assert old_hash not in page
    assert PASSWORD not in page
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.password == old_hash
    assert profile.price_type == "Оптовая"


def test_a_new_password_replaces_the_old_and_the_history_says_so(browser, profile):
    browser.post(
        reverse("onec_admin:profile_edit", args=[profile.pk]),
        _edit_data(profile, password="brand-new-pass"),
    )

    assert profile_authenticate(LOGIN, PASSWORD) is None
    assert profile_authenticate(LOGIN, "brand-new-pass").pk == profile.pk
    page = browser.get(reverse("onec_admin:profile_history", args=[profile.pk])).content.decode()
    assert "Пароль изменён." in page
    assert "brand-new-pass" not in page


def test_a_new_profile_without_a_password_or_with_a_taken_login_is_refused(browser, profile):
    response = browser.post(reverse("onec_admin:profile_new"), _form_data(password=""))
    assert response.status_code == 200
    assert response.context["form"].errors["password"]

    response = browser.post(reverse("onec_admin:profile_new"), _form_data(login=LOGIN))
    assert response.status_code == 200
    assert response.context["form"].errors["login"]
    assert "Профиль с таким логином уже есть." in response.content.decode()
    assert IntegrationProfile.objects.count() == 1


def test_status_rows_are_added_changed_and_removed(browser, profile):
    shipped = StatusMapping.objects.create(
        profile=profile, onec_status="Отгружен", state=State.DELIVERY
    )
    closed = StatusMapping.objects.create(profile=profile, onec_status="Закрыт", state=State.CLOSED)
    data = _edit_data(profile)
    # Rows are ordered by status: 0 is "Закрыт", 1 "Отгружен", 2 and 3 empty.
    data["mappings-0-DELETE"] = "on"
    data["mappings-1-state"] = State.CLOSED
    data["mappings-2-onec_status"] = "Оплачен"
    data["mappings-2-state"] = State.PRODUCTION

    response = browser.post(reverse("onec_admin:profile_edit", args=[profile.pk]), data)

    assert response.status_code == 302
    assert not StatusMapping.objects.filter(pk=closed.pk).exists()
    assert sorted(profile.status_mappings.values_list("onec_status", "state")) == [
        ("Оплачен", State.PRODUCTION),
        ("Отгружен", State.CLOSED),
    ]
    assert profile.status_mappings.get(onec_status="Отгружен").pk == shipped.pk
    page = browser.get(reverse("onec_admin:profile_history", args=[profile.pk])).content.decode()
    assert "Статус 1С «Оплачен»" in page
    assert "Закрыт" in page


def test_a_status_twice_in_the_table_is_an_error_on_its_row(browser, profile):
    StatusMapping.objects.create(profile=profile, onec_status="Отгружен", state=State.DELIVERY)
    data = _edit_data(profile)
    data["mappings-1-onec_status"] = "ОТГРУЖЕН"
    data["mappings-1-state"] = State.CLOSED

    response = browser.post(reverse("onec_admin:profile_edit", args=[profile.pk]), data)

    assert response.status_code == 200
    rows = response.context["mappings"].forms
    assert rows[1].errors["onec_status"] == ["«ОТГРУЖЕН» уже есть в таблице."]
    assert response.context["form"].non_field_errors()
    assert profile.status_mappings.count() == 1


def test_the_service_keeps_a_status_moved_between_rows(profile):
    row = StatusMapping.objects.create(profile=profile, onec_status="Закрыт", state=State.CLOSED)

    profile_save(
        profile=profile,
        values={},
        mappings=[
            MappingChange(pk=row.pk, delete=True),
            MappingChange(pk=None, onec_status="Закрыт", state=State.SERVICE),
        ],
    )

    assert list(profile.status_mappings.values_list("onec_status", "state")) == [
        ("Закрыт", State.SERVICE)
    ]


def test_switching_off_needs_a_confirmation_and_ends_1c_logins(browser, client, profile):
    url = reverse("onec_admin:profile_activation", args=[profile.pk])
    assert browser.get(url).status_code == 200
    profile.refresh_from_db()
    assert profile.is_active

    response = browser.post(url)

    assert response.status_code == 302
    profile.refresh_from_db()
    assert not profile.is_active
    answer = client.get(
        "/1c_exchange/", {"type": "sale", "mode": "checkauth"}, HTTP_AUTHORIZATION=basic_auth()
    )
    assert answer.status_code == 401
    browser.post(url)
    profile.refresh_from_db()
    assert profile.is_active


def test_the_list_shows_each_profiles_last_exchange(
    browser, profile, django_assert_max_num_queries
):
    log_write(profile=profile, exchange_type="sale", mode="query", result="success")
    log_write(profile=profile, exchange_type="sale", mode="file", result="failure")
    for number in range(5):
        profile_create(name=f"База {number}", login=f"base-{number}", password="x")

    with django_assert_max_num_queries(6):
        response = browser.get(reverse("onec_admin:profile_list"))

    page = response.content.decode()
    row = page[page.index(f'data-profile="{profile.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "Ошибка" in row
    assert LOGIN in row
    assert page.count("никогда") == 5


def _held_order(make_order, profile):
    order = make_order()
    order.customer.name = ""
    order.customer.save()
    sale_query(profile=profile, session=None)
    return OrderExchange.objects.get(order=order, profile=profile)


def test_the_log_lists_calls_held_orders_and_imports_with_bounded_queries(
    browser, profile, make_order, django_assert_max_num_queries
):
    for _ in range(3):
        make_order()
    for _ in range(3):
        _held_order(make_order, profile)
    for index in range(3):
        CatalogImportJob.objects.create(
            profile=profile,
            filename=f"import{index}.xml",
            path="/nowhere",
            status=CatalogImportJob.Status.DONE,
            summary={"categories": 1, "attributes": 2, "items": 3, "prices": 4},
            problems=["Товар без Ид"],
        )
    for _ in range(60):
        log_write(profile=profile, exchange_type="catalog", mode="init", result="success")

    with django_assert_max_num_queries(10):
        response = browser.get(reverse("onec_admin:exchange_log", args=[profile.pk]))

    page = response.content.decode()
    assert len(response.context["held"]) == 3
    assert "У покупателя нет наименования." in page
    assert page.count('data-entry="') == 50
    assert "import2.xml" in page
    assert "Товар без Ид" in page
    newest = ExchangeLogEntry.objects.filter(profile=profile).first()
    assert f'data-entry="{newest.pk}"' in page
    second = browser.get(reverse("onec_admin:exchange_log", args=[profile.pk]), {"page": 2})
    assert (
        second.content.decode().count('data-entry="')
        == ExchangeLogEntry.objects.filter(profile=profile).count() - 50
    )


def test_sent_and_acknowledged_orders_are_listed_on_their_calls(
    browser, client, profile, make_order
):
    order = make_order()
    _success, cookie, token = (
        client.get(
            "/1c_exchange/", {"type": "sale", "mode": "checkauth"}, HTTP_AUTHORIZATION=basic_auth()
        )
        .content.decode()
        .split("\n")
    )
    client.cookies[cookie] = token
    client.get("/1c_exchange/", {"type": "sale", "mode": "query"})
    client.get("/1c_exchange/", {"type": "sale", "mode": "success"})

    page = browser.get(reverse("onec_admin:exchange_log", args=[profile.pk])).content.decode()

    assert f"отправлены: {order.number}" in page
    assert f"подтверждены: {order.number}" in page


def test_send_again_asks_then_clears_the_hold(browser, profile, make_order):
    exchange = _held_order(make_order, profile)
    url = reverse("onec_admin:order_resend", args=[profile.pk, exchange.pk])

    confirm = browser.get(url)
    exchange.refresh_from_db()
    assert confirm.status_code == 200
    assert exchange.held_reason

    response = browser.post(url)

    assert response.status_code == 302
    exchange.refresh_from_db()
    assert exchange.held_reason == ""
    assert exchange.acknowledged_version is None


def test_an_order_of_another_profile_cannot_be_reached_through_this_one(
    browser, profile, make_order
):
    other = profile_create(name="Другая база", login="other", password="x")
    exchange = _held_order(make_order, other)

    response = browser.post(reverse("onec_admin:order_resend", args=[profile.pk, exchange.pk]))

    assert response.status_code == 404
    exchange.refresh_from_db()
    assert exchange.held_reason


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("profile_list", []),
        ("profile_new", []),
        ("profile_edit", ["pk"]),
        ("profile_activation", ["pk"]),
        ("profile_history", ["pk"]),
        ("exchange_log", ["pk"]),
    ],
)
@pytest.mark.parametrize("role", [Role.MANAGER, Role.DIRECTOR, Role.INTEGRATION])
def test_other_roles_get_403_and_anonymous_users_the_login(client, profile, name, args, role):
    url = reverse(f"onec_admin:{name}", args=[profile.pk if arg == "pk" else arg for arg in args])

    assert client.get(url).status_code == 302
    client.force_login(UserFactory(role=role))
    assert client.get(url).status_code == 403
    assert client.post(url).status_code in (403, 405)
    profile.refresh_from_db()
    assert profile.is_active


def test_posts_need_the_csrf_token(admin, profile):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin)

    response = browser.post(reverse("onec_admin:profile_activation", args=[profile.pk]))

    assert response.status_code == 403
    profile.refresh_from_db()
    assert profile.is_active


def test_a_refused_login_shows_on_its_profiles_log(browser, client, profile):
    client.get(
        "/1c_exchange/",
        {"type": "sale", "mode": "checkauth"},
        HTTP_AUTHORIZATION=basic_auth(password="wrong"),
    )

    page = browser.get(reverse("onec_admin:exchange_log", args=[profile.pk])).content.decode()

    assert "Нет логина и пароля или они неверны." in page


ONEC_CODES = {"success", "progress", "failure", "pending", "running", "failed"}


@pytest.mark.parametrize("language", ["ru", "en"])
def test_every_1c_page_shows_labels_not_codes(admin, client, profile, make_order, language):
    from tests.visible_text import VisibleText, problems, stored_codes

    StatusMapping.objects.create(profile=profile, onec_status="Отгружен", state=State.DELIVERY)
    _held_order(make_order, profile)
    client.get(
        "/1c_exchange/",
        {"type": "sale", "mode": "checkauth"},
        HTTP_AUTHORIZATION=basic_auth(password="wrong"),
    )
    CatalogImportJob.objects.create(
        profile=profile,
        filename="import.xml",
        path="/nowhere",
        status=CatalogImportJob.Status.DONE,
        summary={"categories": 1, "attributes": 2, "items": 3, "prices": 4},
        problems=["Товар без Ид"],
    )
    profile_save(profile=profile, values={"price_type": "Оптовая"}, password="new", by=admin)
    client.force_login(admin)
    client.cookies["django_language"] = language
    underscored, words = stored_codes()

    queue, seen, failures = [reverse("onec_admin:profile_list")], set(), []
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, url
        parser = VisibleText()
        parser.feed(response.content.decode())
        queue.extend(link for link in parser.links if link.startswith("/admin-portal/1c/"))
        failures.extend(
            f"{url}: {problem}"
            for problem in problems(
                "\n".join(parser.parts), language, underscored, words | ONEC_CODES, set()
            )
        )

    assert len(seen) >= 6
    assert not failures, "\n".join(failures)


def test_the_history_costs_the_same_queries_for_many_changes(
    browser, admin, profile, django_assert_max_num_queries
):
    for number in range(8):
        profile_save(
            profile=profile,
            values={"price_type": f"Цена {number}", "file_limit": 1_000_000 + number},
            mappings=[MappingChange(pk=None, onec_status=f"Статус {number}", state=State.CLOSED)],
            by=admin,
        )

    with django_assert_max_num_queries(8):
        response = browser.get(reverse("onec_admin:profile_history", args=[profile.pk]))

    page = response.content.decode()
    assert page.count('data-testid="history-entry"') == 1 + 8 + 8
    assert "Цена 7" in page
    assert "Статус 1С «Статус 7»" in page


def test_two_rows_may_trade_statuses_in_one_save(profile):
    first = StatusMapping.objects.create(profile=profile, onec_status="А", state=State.CLOSED)
    second = StatusMapping.objects.create(profile=profile, onec_status="Б", state=State.SERVICE)

    profile_save(
        profile=profile,
        values={},
        mappings=[
            MappingChange(pk=first.pk, onec_status="Б", state=State.CLOSED),
            MappingChange(pk=second.pk, onec_status="А", state=State.SERVICE),
        ],
    )

    assert sorted(profile.status_mappings.values_list("pk", "onec_status")) == sorted(
        [(first.pk, "Б"), (second.pk, "А")]
    )
    assert StatusMapping.history.filter(id=first.pk).count() == 2


def test_the_django_admin_saves_through_the_same_services(browser, admin, profile):
    url = f"/django-admin/onec/integrationprofile/{profile.pk}/change/"
    data = {
        "name": profile.name,
        "login": profile.login,
        "new_password": "from-django-admin",
        "schema_version": "2.10",
        "encoding": profile.encoding,
        "exported_kinds": '["product"]',
        "exported_states": '["request"]',
        "price_type": "",
        "file_limit": str(profile.file_limit),
        "status_mappings-TOTAL_FORMS": "1",
        "status_mappings-INITIAL_FORMS": "0",
        "status_mappings-MIN_NUM_FORMS": "0",
        "status_mappings-MAX_NUM_FORMS": "1000",
        "status_mappings-0-onec_status": "Закрыт",
        "status_mappings-0-state": State.CLOSED,
        "status_mappings-0-profile": str(profile.pk),
    }

    response = browser.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    profile.refresh_from_db()
    assert profile.schema_version == "2.10"
    assert not profile.is_active  # the box was left unticked
    assert profile_authenticate(LOGIN, "from-django-admin") is None  # switched off
    assert profile.check_password("from-django-admin")
    assert list(profile.status_mappings.values_list("onec_status", flat=True)) == ["Закрыт"]
    assert StatusMapping.history.get().history_user == admin
    assert set(profile.history.values_list("history_user", flat=True)) == {None, admin.pk}


def test_the_service_refuses_a_status_longer_than_its_column(profile):
    with pytest.raises(ValidationError) as refused:
        profile_save(
            profile=profile,
            values={},
            mappings=[MappingChange(pk=None, onec_status="С" * 101, state=State.CLOSED)],
        )

    assert list(refused.value.message_dict) == ["mappings.0.onec_status"]
    assert not profile.status_mappings.exists()
