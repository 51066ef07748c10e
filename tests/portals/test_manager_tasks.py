"""The manager portal's tasks: saved views, done / reassign, tasks by hand, the order's panel."""

from datetime import datetime, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.roles import Role
from orders.lifecycle import State
from tasks.models import Task
from tests.factories import ContactFactory, CustomerFactory, UserFactory
from tests.orders.factories import OrderFactory, WorkflowFactory
from tests.tasks.factories import TaskFactory

pytestmark = pytest.mark.django_db


def _browser(user, **kwargs):
    client = Client(HTTP_ACCEPT_LANGUAGE="en", **kwargs)
    client.force_login(user)
    return client


@pytest.fixture
def people(db):
    return {
        "manager": UserFactory(role=Role.MANAGER),
        "warehouse": UserFactory(role=Role.WAREHOUSE),
        "warehouse2": UserFactory(role=Role.WAREHOUSE),
        "director": UserFactory(role=Role.DIRECTOR),
    }


def _today_end():
    return timezone.make_aware(datetime.combine(timezone.localdate(), time.min)) + timedelta(days=1)


def _titles(response):
    return [task.title for task in response.context["tasks"]]


def test_the_saved_views_show_the_right_tasks(people):
    me = people["warehouse"]
    now = timezone.now()
    later_today = now + (_today_end() - now) / 2
    TaskFactory(title="yesterday", assignee=me, due_at=_today_end() - timedelta(days=1, hours=1))
    TaskFactory(title="today", assignee=me, due_at=later_today)
    TaskFactory(title="tomorrow", assignee=me, due_at=_today_end() + timedelta(hours=1))
    TaskFactory(title="pool", role=Role.WAREHOUSE, due_at=later_today)
    TaskFactory(title="colleague", assignee=people["warehouse2"], due_at=later_today)
    browser = _browser(me)

    def titles(view):
        return _titles(browser.get("/manager/tasks/", {"view": view}))

    assert _titles(browser.get("/manager/tasks/")) == ["yesterday", "today", "tomorrow"]
    assert titles("today") == ["today", "pool"]
    assert titles("overdue") == ["yesterday"]
    assert titles("role") == ["pool"]
    assert browser.get("/manager/tasks/", {"view": "all"}).status_code == 403
    assert browser.get("/manager/tasks/", {"view": "nonsense"}).status_code == 404


def test_an_empty_view_says_so(people):
    response = _browser(people["warehouse"]).get("/manager/tasks/", {"view": "overdue"})

    assert response.status_code == 200
    assert "Nothing is overdue." in response.content.decode()


def test_done_completes_the_task_and_returns_where_the_user_was(people):
    task = TaskFactory(assignee=people["warehouse"])

    response = _browser(people["warehouse"]).post(
        f"/manager/tasks/{task.pk}/done/", {"next": "/manager/tasks/?view=today"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/manager/tasks/?view=today"
    task.refresh_from_db()
    assert (task.status, task.done_by) == ("done", people["warehouse"])


def test_done_never_redirects_off_site(people):
    task = TaskFactory(assignee=people["warehouse"])

    response = _browser(people["warehouse"]).post(
        f"/manager/tasks/{task.pk}/done/", {"next": "https://evil.example.com/"}
    )

    assert response["Location"] == "/manager/tasks/"


def test_reassign_asks_for_confirmation_before_anything_changes(people):
    task = TaskFactory(assignee=people["warehouse"])
    browser = _browser(people["warehouse"])
    url = f"/manager/tasks/{task.pk}/reassign/"

    form_page = browser.get(url)
    confirm_page = browser.post(url, {"assignee": people["warehouse2"].pk})
    task.refresh_from_db()
    assignee_before_confirming = task.assignee
    done = browser.post(url, {"assignee": people["warehouse2"].pk, "confirmed": "1"})

    assert form_page.status_code == 200
    assert confirm_page.status_code == 200
    assert f"Give this task to {people['warehouse2']}?" in confirm_page.content.decode()
    assert assignee_before_confirming == people["warehouse"]
    assert done.status_code == 302
    task.refresh_from_db()
    assert task.assignee == people["warehouse2"]


def test_reassign_without_a_choice_marks_the_form_and_changes_nothing(people):
    task = TaskFactory(assignee=people["warehouse"])

    response = _browser(people["warehouse"]).post(
        f"/manager/tasks/{task.pk}/reassign/", {"confirmed": "1"}
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["Choose either a person or a role."]
    task.refresh_from_db()
    assert task.assignee == people["warehouse"]


def test_another_users_task_is_not_found_for_a_warehouse_user(people):
    task = TaskFactory(assignee=people["warehouse2"])
    browser = _browser(people["warehouse"])

    assert browser.post(f"/manager/tasks/{task.pk}/done/").status_code == 404
    assert browser.get(f"/manager/tasks/{task.pk}/reassign/").status_code == 404
    assert (
        browser.post(
            f"/manager/tasks/{task.pk}/reassign/",
            {"assignee": people["warehouse"].pk, "confirmed": "1"},
        ).status_code
        == 404
    )
    task.refresh_from_db()
    assert (task.status, task.assignee) == ("open", people["warehouse2"])


def test_a_warehouse_user_sees_but_cannot_change_a_task_they_created_for_someone_else(people):
    # Only tasks they may change carry buttons; posting anyway is refused.
    task = TaskFactory(assignee=people["warehouse2"], created_by=people["warehouse"])
    browser = _browser(people["warehouse"])

    assert browser.post(f"/manager/tasks/{task.pk}/done/").status_code == 403
    task.refresh_from_db()
    assert task.status == "open"


def test_the_director_reads_every_task_and_changes_none(people):
    task = TaskFactory(assignee=people["manager"])
    browser = _browser(people["director"])

    page = browser.get("/manager/tasks/", {"view": "all"})

    assert _titles(page) == [task.title]
    assert f'data-testid="task-done-{task.pk}"' not in page.content.decode()
    assert "New task" not in page.content.decode()
    assert browser.post(f"/manager/tasks/{task.pk}/done/").status_code == 403
    assert browser.get(f"/manager/tasks/{task.pk}/reassign/").status_code == 403
    assert browser.get("/manager/tasks/new/").status_code == 403
    task.refresh_from_db()
    assert task.status == "open"


def test_clients_and_strangers_are_kept_out(people):
    task = TaskFactory(assignee=people["manager"])
    client_user = _browser(ContactFactory().user)

    assert client_user.get("/manager/tasks/").status_code == 403
    assert client_user.post(f"/manager/tasks/{task.pk}/done/").status_code == 403
    anonymous = Client().get("/manager/tasks/")
    assert anonymous.status_code == 302
    assert "login" in anonymous["Location"]


def test_actions_need_the_csrf_token(people):
    task = TaskFactory(assignee=people["warehouse"])

    response = _browser(people["warehouse"], enforce_csrf_checks=True).post(
        f"/manager/tasks/{task.pk}/done/"
    )

    assert response.status_code == 403
    task.refresh_from_db()
    assert task.status == "open"


def test_a_task_by_hand_with_a_missing_title_comes_back_with_the_field_marked(people):
    response = _browser(people["manager"]).post(
        "/manager/tasks/new/", {"title": "", "due_at": "2030-01-10T10:00"}
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["title"]
    html = response.content.decode()
    title_input = html[html.index('name="title"') : html.index('id="id_title"')]
    assert "is-invalid" in title_input
    assert 'aria-invalid="true"' in title_input
    assert not Task.objects.exists()


def test_a_task_by_hand_about_an_order_lands_on_the_order_page(people):
    order = OrderFactory()
    browser = _browser(people["manager"])

    form_page = browser.get("/manager/tasks/new/", {"order": order.pk})
    response = browser.post(
        "/manager/tasks/new/",
        {
            "title": "Call the client",
            "description": "About the delivery date",
            "due_at": "2030-01-10T10:00",
            "assignee": people["warehouse"].pk,
            "order": order.number,
        },
    )

    assert form_page.context["form"]["order"].value() == order.number
    assert response.status_code == 302
    assert response["Location"] == f"/manager/orders/{order.pk}/"
    task = Task.objects.get()
    assert (task.order, task.assignee, task.created_by) == (
        order,
        people["warehouse"],
        people["manager"],
    )
    assert timezone.localtime(task.due_at).strftime("%Y-%m-%d %H:%M") == "2030-01-10 10:00"


def test_an_unknown_order_number_is_reported_on_its_field(people):
    response = _browser(people["manager"]).post(
        "/manager/tasks/new/",
        {"title": "Call", "due_at": "2030-01-10T10:00", "order": "NO-SUCH"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["order"] == ["No such order."]
    assert not Task.objects.exists()


def test_the_order_page_lists_its_tasks_with_done_buttons_and_adds_one(people):
    order = OrderFactory(state=State.REQUEST, workflow=WorkflowFactory())
    mine = TaskFactory(title="Prepare the quote", order=order, assignee=people["manager"])
    TaskFactory(title="Another order's", order=OrderFactory(), assignee=people["manager"])
    browser = _browser(people["manager"])

    page = browser.get(f"/manager/orders/{order.pk}/")
    added = browser.post(
        f"/manager/orders/{order.pk}/tasks/",
        {"task-title": "Send the contract", "task-due_at": "2030-01-10T10:00"},
    )

    assert [task.title for task in page.context["order_tasks"]] == ["Prepare the quote"]
    assert f'data-testid="task-done-{mine.pk}"' in page.content.decode()
    assert f'name="next" value="/manager/orders/{order.pk}/"' in page.content.decode()
    assert 'data-testid="order-task-form"' in page.content.decode()
    assert added.status_code == 302
    task = Task.objects.get(title="Send the contract")
    assert (task.order, task.assignee) == (order, people["manager"])


def test_the_order_pages_task_form_comes_back_marked_when_the_title_is_missing(people):
    order = OrderFactory(state=State.REQUEST, workflow=WorkflowFactory())

    response = _browser(people["manager"]).post(
        f"/manager/orders/{order.pk}/tasks/", {"task-title": "", "task-due_at": "2030-01-10T10:00"}
    )

    assert response.status_code == 200
    assert list(response.context["order_task_form"].errors) == ["title"]
    html = response.content.decode()
    title_input = html[html.index('name="task-title"') : html.index('id="id_task-title"')]
    assert "is-invalid" in title_input
    assert not Task.objects.exists()


def test_a_warehouse_user_sees_the_orders_tasks_for_them_only_and_cannot_add(people):
    order = OrderFactory(state=State.PRODUCTION, workflow=WorkflowFactory())
    TaskFactory(title="Pick", order=order, role=Role.WAREHOUSE)
    TaskFactory(title="Quote", order=order, assignee=people["manager"])
    browser = _browser(people["warehouse"])

    page = browser.get(f"/manager/orders/{order.pk}/")
    refused = browser.post(
        f"/manager/orders/{order.pk}/tasks/",
        {"task-title": "Mine", "task-due_at": "2030-01-10T10:00"},
    )

    assert [task.title for task in page.context["order_tasks"]] == ["Pick"]
    assert page.context["order_task_form"] is None
    assert refused.status_code == 403
    assert Task.objects.count() == 2


def _task_list_queries(browser, django_assert_max_num_queries, count, manager):
    for _ in range(count):
        TaskFactory(
            assignee=manager,
            order=OrderFactory(customer=CustomerFactory()),
            created_by=UserFactory(),
        )
    with django_assert_max_num_queries(8) as captured:
        response = browser.get("/manager/tasks/")
    return len(captured.captured_queries), len(response.context["tasks"])


def test_the_task_list_costs_the_same_with_5_or_50_tasks(people, django_assert_max_num_queries):
    browser = _browser(people["manager"])

    with_5 = _task_list_queries(browser, django_assert_max_num_queries, 5, people["manager"])
    with_50 = _task_list_queries(browser, django_assert_max_num_queries, 45, people["manager"])

    assert (with_5[1], with_50[1]) == (5, 50)
    assert with_5[0] == with_50[0]


def test_a_task_due_in_the_past_comes_back_with_the_due_field_marked(people):
    order = OrderFactory(state=State.REQUEST, workflow=WorkflowFactory())
    browser = _browser(people["manager"])
    message = "The due time 10.01.2020 10:00 has passed; choose a later time."

    by_hand = browser.post("/manager/tasks/new/", {"title": "Call", "due_at": "2020-01-10T10:00"})
    on_order = browser.post(
        f"/manager/orders/{order.pk}/tasks/",
        {"task-title": "Call", "task-due_at": "2020-01-10T10:00"},
    )

    assert by_hand.context["form"].errors == {"due_at": [message]}
    assert on_order.context["order_task_form"].errors == {"due_at": [message]}
    assert message in by_hand.content.decode()
    assert not Task.objects.exists()
