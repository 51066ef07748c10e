"""The business calendar page of the admin portal, and the workflow editor's switch."""

from datetime import time

import pytest
from django.test import Client

from accounts.roles import Role
from orders.lifecycle import OrderKind
from orders.models import BusinessCalendar, Workflow
from tests.factories import ContactFactory, UserFactory
from tests.history import changes
from tests.portals.test_admin_workflows import _form

pytestmark = pytest.mark.django_db

URL = "/admin-portal/calendar/"


@pytest.fixture
def admin_client(db):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(UserFactory(role=Role.ADMIN))
    return client


def _calendar_form(**overrides) -> dict:
    data = {
        "day_start": "09:00",
        "day_end": "18:00",
        "workdays": ["1", "2", "3", "4", "5"],
        "holidays": "",
        "extra_workdays": "",
    }
    data.update(overrides)
    return data


def _stored() -> tuple:
    calendar = BusinessCalendar.get()
    return (
        calendar.day_start,
        calendar.day_end,
        calendar.workdays,
        calendar.holidays,
        calendar.extra_workdays,
    )


def test_the_page_shows_the_default_calendar(admin_client):
    page = admin_client.get(URL).content.decode()

    assert 'data-testid="calendar-form"' in page
    assert 'value="09:00"' in page
    assert 'value="18:00"' in page
    assert "Europe/Moscow" in page
    assert 'data-testid="admin-calendar"' in admin_client.get("/admin-portal/").content.decode()


def test_a_good_calendar_is_saved(admin_client):
    data = _calendar_form(
        day_start="10:00",
        day_end="19:00",
        workdays=["1", "2", "3", "4", "5"],
        holidays="2026-01-07\n01.01.2026, 2026-01-02",
        extra_workdays="2025-11-01",
    )

    response = admin_client.post(URL, data, follow=True)

    assert response.redirect_chain == [(URL, 302)]
    assert "The business calendar is saved." in response.content.decode()
    assert _stored() == (
        time(10),
        time(19),
        [1, 2, 3, 4, 5],
        ["2026-01-01", "2026-01-02", "2026-01-07"],
        ["2025-11-01"],
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"day_start": "18:00", "day_end": "09:00"}, "day_end", "must end after it starts"),
        ({"workdays": []}, "workdays", "Choose at least one working weekday."),
        ({"holidays": "2026-01-01\n2026-02-30"}, "holidays", "Not dates: 2026-02-30."),
        (
            {"holidays": "2025-11-01", "extra_workdays": "01.11.2025"},
            "extra_workdays",
            "both a holiday and a working day: 2025-11-01",
        ),
        ({"day_start": "nine"}, "day_start", "Enter a valid time."),
    ],
)
def test_a_bad_calendar_is_refused_with_the_field_marked(admin_client, overrides, field, message):
    before = _stored()

    response = admin_client.post(URL, _calendar_form(**overrides))

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert message in form.errors[field][0]
    page = response.content.decode()
    assert f'id="error_1_id_{field}"' in page
    assert _stored() == before


@pytest.mark.parametrize("role", [Role.MANAGER, Role.DIRECTOR, Role.CLIENT])
def test_only_admins_see_or_change_the_calendar(role):
    before = _stored()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(ContactFactory().user if role == Role.CLIENT else UserFactory(role=role))

    assert client.get(URL).status_code == 403
    assert client.post(URL, _calendar_form(day_start="07:00")).status_code == 403
    assert _stored() == before


def test_anonymous_users_are_sent_to_log_in():
    response = Client().get(URL)

    assert response.status_code == 302
    assert "/login" in response["Location"]


def test_the_workflow_editor_switches_business_hours_on_and_records_it(admin_client):
    b2b = Workflow.objects.get(kind=OrderKind.PRODUCT, customer_kind="")

    page = admin_client.get(f"/admin-portal/workflows/{b2b.pk}/").content.decode()
    response = admin_client.post(
        f"/admin-portal/workflows/{b2b.pk}/", _form(b2b, sla_business_hours=True)
    )

    assert 'name="sla_business_hours"' in page
    assert response.status_code == 302
    b2b.refresh_from_db()
    assert b2b.sla_business_hours is True
    record = b2b.history.latest()
    assert ("sla_business_hours", False, True) in changes(record)
    history = admin_client.get(f"/admin-portal/workflows/{b2b.pk}/history/")
    [entry] = [e for e in history.context["entries"] if not e.reason]
    assert [(c.label, c.before, c.after) for c in entry.changes] == [
        ("Count stage SLA in business hours", "No", "Yes")
    ]


def test_every_save_is_recorded_with_who_and_what_and_shown_under_the_calendar(admin_client):
    admin_client.post(URL, _calendar_form(day_end="17:00", holidays="2027-01-01\n07.01.2027"))

    record = BusinessCalendar.history.get(history_type="~")
    assert record.history_user.has_perm("orders.manage_workflow")
    assert changes(record) == [
        ("day_end", time(18, 0), time(17, 0)),
        ("holidays", [], ["2027-01-01", "2027-01-07"]),
    ]
    response = admin_client.get(URL)
    [entry] = response.context["entries"]
    assert entry.user == record.history_user
    assert [(c.label, c.before, c.after) for c in entry.changes] == [
        ("Working day ends", "18:00", "17:00"),
        ("Holidays", "—", "2027-01-01, 2027-01-07"),
    ]
    page = response.content.decode()
    assert page.count('data-testid="history-entry"') == 1
    assert "2027-01-01, 2027-01-07" in page


def test_the_calendar_history_names_the_weekdays(admin_client):
    admin_client.post(URL, _calendar_form(workdays=["1", "2", "3", "4", "5", "6"]))

    [entry] = admin_client.get(URL).context["entries"]

    assert [(c.label, c.before, c.after) for c in entry.changes] == [
        (
            "Working weekdays",
            "Monday, Tuesday, Wednesday, Thursday, Friday",
            "Monday, Tuesday, Wednesday, Thursday, Friday, Saturday",
        )
    ]


def test_a_refused_calendar_records_no_history(admin_client):
    response = admin_client.post(URL, _calendar_form(day_start="19:00"))

    assert response.status_code == 200
    assert not BusinessCalendar.history.filter(history_type="~").exists()


def test_the_calendar_page_costs_the_same_with_a_long_history(admin_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_after(saves):
        for number in range(saves):
            admin_client.post(URL, _calendar_form(day_end=f"{17 + number % 2}:00"))
        with CaptureQueriesContext(connection) as captured:
            page = admin_client.get(URL)
        assert page.status_code == 200
        return len(captured)

    few = queries_after(2)
    many = queries_after(25)

    assert many <= few
