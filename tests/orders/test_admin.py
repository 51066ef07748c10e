from datetime import time
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.roles import Role
from orders.lifecycle import State
from orders.models import Order, OrderEvent
from tests.factories import UserFactory
from tests.history import changes
from tests.orders.factories import OrderFactory, WorkflowFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_logged_in(client):
    client.force_login(UserFactory(role=Role.ADMIN, is_staff=True))
    return client


def test_order_page_shows_buttons_for_allowed_transitions(admin_client_logged_in):
    order = OrderFactory(state=State.REQUEST, workflow=WorkflowFactory())

    response = admin_client_logged_in.get(reverse("admin:orders_order_change", args=[order.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("admin:orders_order_transition", args=[order.pk, "start_quote"]) in page
    assert reverse("admin:orders_order_transition", args=[order.pk, "ship"]) not in page


def test_transition_button_goes_through_the_service(admin_client_logged_in):
    order = OrderFactory(state=State.REQUEST, workflow=WorkflowFactory())
    url = reverse("admin:orders_order_transition", args=[order.pk, "start_quote"])

    response = admin_client_logged_in.post(url, {"state": "request", "note": "из админки"})

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == State.QUOTE
    event = OrderEvent.objects.get(order=order)
    assert (event.action, event.note) == ("start_quote", "из админки")
    assert order.quotes.count() == 1


def test_stale_admin_page_gets_a_conflict_message(admin_client_logged_in):
    order = OrderFactory(state=State.QUOTE)
    url = reverse("admin:orders_order_transition", args=[order.pk, "cancel"])

    response = admin_client_logged_in.post(
        url, {"state": "request", "reason": "дубль"}, follow=True
    )

    assert Order.objects.get(pk=order.pk).state == State.QUOTE
    assert "Заказ уже изменил другой пользователь" in response.content.decode()
    assert not OrderEvent.objects.exists()


def test_cancel_without_reason_is_refused_with_the_field_named(admin_client_logged_in):
    order = OrderFactory(state=State.REQUEST)
    url = reverse("admin:orders_order_transition", args=[order.pk, "cancel"])

    response = admin_client_logged_in.post(url, {"state": "request", "reason": ""}, follow=True)

    assert Order.objects.get(pk=order.pk).state == State.REQUEST
    # The admin capitalises messages.
    assert "reason: укажите причину." in response.content.decode().lower()


def test_state_cannot_be_edited_or_orders_added_in_admin(admin_client_logged_in):
    order = OrderFactory(state=State.REQUEST)

    add = admin_client_logged_in.get(reverse("admin:orders_order_add"))
    admin_client_logged_in.post(
        reverse("admin:orders_order_change", args=[order.pk]), {"state": "closed"}
    )

    assert add.status_code == 403
    assert Order.objects.get(pk=order.pk).state == State.REQUEST


def test_admin_order_list_query_count(admin_client_logged_in, django_assert_max_num_queries):
    OrderFactory.create_batch(30)

    with django_assert_max_num_queries(12):
        response = admin_client_logged_in.get(reverse("admin:orders_order_changelist"))

    assert response.status_code == 200


def test_adding_a_second_business_calendar_opens_the_one_there_is(client):
    # The Django admin showed "Add" while there was none; the portal's calendar page made it.
    from orders.models import BusinessCalendar

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    calendar = BusinessCalendar.get()

    response = client.get(reverse("admin:orders_businesscalendar_add"))

    assert response.status_code == 302
    assert response.url == reverse("admin:orders_businesscalendar_change", args=[calendar.pk])


# Configuration saved in the Django admin goes through the services that check it and
# record who changed what in the history, as the admin portal's editors do.


@pytest.fixture
def admin_en(db):
    from django.test import Client

    # A superuser: administrators keep the calendar on the portal, not in the Django admin.
    user = UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    client.user = user
    return client


def _workflow_form(workflow, **overrides) -> dict:
    import json

    from orders.workflows import SETTINGS_FIELDS

    data = {}
    for name in SETTINGS_FIELDS:
        value = getattr(workflow, "category_id" if name == "category" else name)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif name == "stage_sla_hours":
            data[name] = json.dumps(value or {})
        else:
            data[name] = "" if value is None else str(value)
    for name, value in overrides.items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def test_a_workflow_saved_in_the_django_admin_records_its_history(admin_en):
    workflow = WorkflowFactory()
    url = reverse("admin:orders_workflow_change", args=[workflow.pk])

    response = admin_en.post(url, _workflow_form(workflow, prepayment_percent="30"))

    assert response.status_code == 302, response.context["adminform"].form.errors
    workflow.refresh_from_db()
    assert str(workflow.prepayment_percent) == "30.00"
    record = workflow.history.latest()
    assert (record.history_type, record.history_user) == ("~", admin_en.user)
    assert ("prepayment_percent", Decimal("100.00"), Decimal("30.00")) in changes(record)


def test_a_workflow_added_in_the_django_admin_records_its_history(admin_en):
    from orders.models import Workflow

    data = _workflow_form(Workflow(name="Новый", kind="product"))

    response = admin_en.post(reverse("admin:orders_workflow_add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    workflow = Workflow.objects.get(name="Новый")
    record = workflow.history.get()
    assert (record.history_type, record.history_user, record.name) == (
        "+",
        admin_en.user,
        "Новый",
    )


def test_a_workflow_with_no_way_to_close_is_refused_in_the_django_admin(admin_en):
    from orders.models import Workflow

    workflow = WorkflowFactory()
    before = {field.name: getattr(workflow, field.name) for field in Workflow._meta.fields}
    url = reverse("admin:orders_workflow_change", args=[workflow.pk])

    response = admin_en.post(
        url, _workflow_form(workflow, uses_delivery=False, payment_terms="postpay")
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert any("would have no way to be paid and closed" in error for error in errors)
    assert "would have no way to be paid and closed" in response.content.decode()
    workflow = Workflow.objects.get(pk=workflow.pk)
    assert {field.name: getattr(workflow, field.name) for field in Workflow._meta.fields} == (
        before
    )
    assert [record.history_type for record in workflow.history.all()] == ["+"]


def test_the_business_calendar_saved_in_the_django_admin_records_its_history(admin_en):
    from orders.models import BusinessCalendar

    calendar = BusinessCalendar.get()
    url = reverse("admin:orders_businesscalendar_change", args=[calendar.pk])

    response = admin_en.post(
        url,
        {
            "day_start": "10:00",
            "day_end": "19:00",
            "workdays": "[1, 2, 3, 4, 5]",
            "holidays": '["2026-01-01"]',
            "extra_workdays": "[]",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    calendar.refresh_from_db()
    assert (calendar.day_start.hour, calendar.holidays) == (10, ["2026-01-01"])
    record = calendar.history.get(history_type="~")
    assert record.history_user == admin_en.user
    assert ("day_start", time(9, 0), time(10, 0)) in changes(record)
    assert ("holidays", [], ["2026-01-01"]) in changes(record)


def test_a_bad_business_calendar_is_refused_in_the_django_admin(admin_en):
    from orders.models import BusinessCalendar

    calendar = BusinessCalendar.get()
    url = reverse("admin:orders_businesscalendar_change", args=[calendar.pk])

    response = admin_en.post(
        url,
        {
            "day_start": "18:00",
            "day_end": "09:00",
            "workdays": "[1, 2, 3, 4, 5]",
            "holidays": "[]",
            "extra_workdays": "[]",
        },
    )

    assert response.status_code == 200
    assert "day_end" in response.context["adminform"].form.errors
    assert BusinessCalendar.objects.get().day_start.hour == 9
    assert not calendar.history.filter(history_type="~").exists()


def test_the_django_admin_shows_the_history_of_configuration_read_only(admin_en):
    from orders.models import BusinessCalendar
    from orders.workflows import workflow_save

    workflow = WorkflowFactory()
    workflow_save(workflow=workflow, changes={"name": "Renamed"}, by=admin_en.user)
    calendar = BusinessCalendar.get()

    workflow_page = admin_en.get(reverse("admin:orders_workflow_history", args=[workflow.pk]))
    calendar_page = admin_en.get(
        reverse("admin:orders_businesscalendar_history", args=[calendar.pk])
    )

    assert workflow_page.status_code == calendar_page.status_code == 200
    assert "Renamed" in workflow_page.content.decode()
    assert workflow_page.context["revert_disabled"] is True
