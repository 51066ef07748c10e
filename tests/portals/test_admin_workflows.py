"""Workflows configured in the admin portal, and what orders do with them."""

from decimal import Decimal

import pytest
from django.db.models import F
from django.test import Client
from django.utils import timezone

from accounts.roles import Role
from customers.models import Customer
from orders.errors import OrderTransitionError
from orders.lifecycle import DeliveryStatus, OrderKind, State
from orders.models import Order, Workflow
from orders.services import (
    LineInput,
    delivery_update,
    order_create,
    order_transition,
    payment_record,
    quote_accept,
    quote_send,
)
from orders.workflow_check import workflow_problems
from orders.workflows import workflow_save
from tasks.models import Task, TaskRule
from tests.catalog.factories import ItemFactory
from tests.factories import ContactFactory, CustomerFactory, UserFactory
from tests.history import changes

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(db):
    return UserFactory(role=Role.ADMIN)


@pytest.fixture
def admin_client(admin):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(admin)
    return client


@pytest.fixture
def manager(db):
    return UserFactory(role=Role.MANAGER)


def _form(workflow: Workflow | None = None, **overrides) -> dict:
    """The editor's POST: the workflow's current settings, then the overrides."""
    workflow = workflow or Workflow(name="", kind=OrderKind.PRODUCT)
    data = {
        "name": workflow.name,
        "kind": workflow.kind,
        "customer_kind": workflow.customer_kind,
        "category": workflow.category_id or "",
        "payment_terms": workflow.payment_terms,
        "prepayment_percent": str(workflow.prepayment_percent),
        "rules-TOTAL_FORMS": "0",
        "rules-INITIAL_FORMS": "0",
        "rules-MIN_NUM_FORMS": "0",
        "rules-MAX_NUM_FORMS": "1000",
    }
    for flag in (
        "uses_quote",
        "uses_contract",
        "uses_delivery",
        "uses_service",
        "allow_balance_payment",
        "allow_bonus_payment",
        "is_active",
    ):
        if getattr(workflow, flag):
            data[flag] = "on"
    for key, value in (workflow.stage_sla_hours or {}).items():
        data[f"sla_{key}"] = str(value)
    for key, value in overrides.items():
        if value is False:
            data.pop(key, None)
        else:
            data[key] = "on" if value is True else value
    return data


def _order(customer, by, kind=OrderKind.PRODUCT):
    return order_create(
        customer=customer,
        kind=kind,
        channel=Order.Channel.MANAGER,
        by=by,
        lines=[LineInput(ItemFactory(price=Decimal("500.00")), 1)],
    )


def _move(order, name, by):
    return order_transition(order=Order.objects.get(pk=order.pk), transition=name, by=by)


def test_retail_skips_quote_and_contract_while_b2b_services_still_need_them(admin_client, manager):
    retail = Workflow.objects.get(kind=OrderKind.PRODUCT, customer_kind="person")
    retail_data = _form(retail, uses_quote=False, uses_contract=False, uses_service=False)
    assert (
        admin_client.post(f"/admin-portal/workflows/{retail.pk}/", retail_data).status_code == 302
    )

    person = CustomerFactory(kind=Customer.Kind.PERSON)
    order = _order(person, manager)
    _move(order, "request_payment", manager)
    payment_record(order=Order.objects.get(pk=order.pk), amount="500.00", by=manager)
    _move(order, "ship", manager)
    delivery_update(
        order=Order.objects.get(pk=order.pk), by=manager, status=DeliveryStatus.HANDED_TO_CLIENT
    )
    _move(order, "close", manager)
    moves = order.events.exclude(from_state=F("to_state"))
    path = list(moves.order_by("id").values_list("to_state", flat=True))
    assert path == ["request", "payment", "production", "delivery", "closed"]

    company = CustomerFactory(kind=Customer.Kind.COMPANY)
    service = _order(company, manager, kind=OrderKind.SERVICE)
    assert service.workflow.uses_quote
    assert service.workflow.uses_contract
    for skip in ("request_payment", "start_production"):
        with pytest.raises(OrderTransitionError) as refused:
            _move(service, skip, manager)
        assert "The client has not accepted a quote yet." in refused.value.messages


def test_an_sla_and_a_task_configured_on_a_stage_reach_an_order_entering_it(admin_client, manager):
    b2b = Workflow.objects.get(kind=OrderKind.PRODUCT, customer_kind="")
    data = _form(b2b, sla_quote="6")
    data.update(
        {
            "rules-TOTAL_FORMS": "1",
            "rules-0-state": "quote",
            "rules-0-title": "Подготовить КП",
            "rules-0-role": "manager",
            "rules-0-due_offset_hours": "4",
            "rules-0-is_active": "on",
        }
    )
    response = admin_client.post(f"/admin-portal/workflows/{b2b.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]

    order = _order(CustomerFactory(kind=Customer.Kind.COMPANY, manager=manager), manager)
    before = timezone.now()
    moved = _move(order, "start_quote", manager)

    assert before + timezone.timedelta(hours=6) <= moved.sla_due_at
    assert moved.sla_due_at <= timezone.now() + timezone.timedelta(hours=6)
    task = Task.objects.get(order=order)
    assert (task.title, task.assignee) == ("Подготовить КП", manager)
    assert task.due_at - moved.state_changed_at < timezone.timedelta(hours=4, seconds=5)


def test_a_configuration_with_no_way_to_close_is_refused_and_changes_nothing(admin_client):
    b2b = Workflow.objects.get(kind=OrderKind.PRODUCT, customer_kind="")
    before = {field.name: getattr(b2b, field.name) for field in Workflow._meta.concrete_fields}

    response = admin_client.post(
        f"/admin-portal/workflows/{b2b.pk}/",
        _form(b2b, uses_delivery=False, payment_terms="postpay", sla_payment="24"),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="workflow-errors"' in page
    assert "would have no way to be paid and closed" in page
    b2b.refresh_from_db()
    assert {field.name: getattr(b2b, field.name) for field in Workflow._meta.concrete_fields} == (
        before
    )
    assert not Workflow.history.filter(history_user__isnull=False).exists()


def test_a_bad_task_rule_leaves_the_workflow_unchanged(admin_client):
    # The rule passes the form but not the tasks service, which saves it in the workflow's
    # transaction: neither is written.
    retail = Workflow.objects.get(kind=OrderKind.PRODUCT, customer_kind="person")
    data = _form(retail, prepayment_percent="30")
    data.update(
        {
            "rules-TOTAL_FORMS": "1",
            "rules-0-state": "request",
            "rules-0-title": "Позвонить",
            "rules-0-user": str(UserFactory(role=Role.CLIENT).pk),
            "rules-0-due_offset_hours": "4",
            "rules-0-is_active": "on",
        }
    )

    response = admin_client.post(f"/admin-portal/workflows/{retail.pk}/", data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "This person does not work on orders." in page
    assert 'data-testid="workflow-errors"' in page
    retail.refresh_from_db()
    assert retail.prepayment_percent == Decimal("100")
    assert not TaskRule.objects.filter(workflow=retail).exists()
    assert not Workflow.history.filter(history_user__isnull=False).exists()
    assert not TaskRule.history.filter(workflow_id=retail.pk).exists()


def test_task_rules_saved_with_the_workflow_are_in_its_history(admin_client, admin):
    retail = Workflow.objects.get(kind=OrderKind.PRODUCT, customer_kind="person")
    data = _form(retail)
    data.update(
        {
            "rules-TOTAL_FORMS": "1",
            "rules-0-state": "request",
            "rules-0-title": "Позвонить",
            "rules-0-role": "manager",
            "rules-0-due_offset_hours": "4",
            "rules-0-closes_with_stage": "on",
            "rules-0-is_active": "on",
        }
    )

    response = admin_client.post(f"/admin-portal/workflows/{retail.pk}/", data)

    assert response.status_code == 302
    record = TaskRule.history.get(workflow_id=retail.pk)
    assert (record.history_type, record.history_user, record.title) == ("+", admin, "Позвонить")
    history = admin_client.get(f"/admin-portal/workflows/{retail.pk}/history/")
    [entry] = [e for e in history.context["entries"] if e.subject]
    assert entry.subject == "Stage task “Позвонить”"
    shown = [(c.label, c.before, c.after) for c in entry.changes]
    assert ("On entering", "—", "Request (pre-order)") in shown
    assert ("Role", "—", "Manager") in shown
    assert ("Closes with the stage", "—", "Yes") in shown


def test_every_change_is_recorded_with_who_and_what(admin_client, admin):
    retail = Workflow.objects.get(kind=OrderKind.PRODUCT, customer_kind="person")

    admin_client.post(
        f"/admin-portal/workflows/{retail.pk}/", _form(retail, prepayment_percent="30")
    )
    history = admin_client.get(f"/admin-portal/workflows/{retail.pk}/history/").content.decode()

    record = retail.history.latest()
    assert record.history_user == admin
    assert ("prepayment_percent", Decimal("100.00"), Decimal("30.00")) in changes(record)
    assert "Prepayment, %" in history
    assert str(admin) in history


def test_an_order_in_a_stage_the_change_removed_can_still_leave_it(manager, admin):
    order = _order(CustomerFactory(kind=Customer.Kind.COMPANY), manager)
    order = _move(order, "start_quote", manager)

    workflow_save(workflow=order.workflow, changes={"uses_quote": False}, by=admin)
    order = Order.objects.get(pk=order.pk)
    quote_send(quote=order.quotes.get(), by=manager)
    quote_accept(quote=order.quotes.get(), by=manager)
    moved = _move(order, "prepare_contract", manager)

    assert moved.state == State.CONTRACT


def test_the_checker_lists_unreachable_stages():
    stuck = Workflow(name="x", kind=OrderKind.PRODUCT, uses_delivery=False, payment_terms="postpay")
    fine = Workflow(name="y", kind=OrderKind.SERVICE, uses_delivery=False)

    assert workflow_problems(fine) == []
    problems = workflow_problems(stuck)
    assert len(problems) == 2
    assert "Payment after delivery needs the delivery stage." in problems[1]


@pytest.mark.parametrize("role", [Role.MANAGER, Role.DIRECTOR, Role.CLIENT])
def test_only_admins_edit_workflows(role):
    client = Client()
    client.force_login(ContactFactory().user if role == Role.CLIENT else UserFactory(role=role))

    assert client.get("/admin-portal/workflows/").status_code == 403


def test_the_editor_shows_the_diagram_and_rules(admin_client, django_assert_max_num_queries):
    b2b = Workflow.objects.get(kind=OrderKind.PRODUCT, customer_kind="")
    TaskRule.objects.create(
        workflow=b2b, state="quote", title="Позвонить", role="manager", due_offset_hours=2
    )

    with django_assert_max_num_queries(20):
        page = admin_client.get(f"/admin-portal/workflows/{b2b.pk}/").content.decode()

    assert 'data-testid="diagram"' in page
    assert "Позвонить" in page
    listing = admin_client.get("/admin-portal/workflows/").content.decode()
    assert b2b.name in listing


@pytest.mark.parametrize("extra", [0, 20])
def test_the_workflow_list_costs_the_same_for_many_workflows(
    admin_client, extra, django_assert_max_num_queries
):
    for number in range(extra):
        Workflow.objects.create(name=f"Процесс {number}", kind=OrderKind.SERVICE)

    with django_assert_max_num_queries(6):
        page = admin_client.get("/admin-portal/workflows/").content.decode()

    assert page.count("/history/") == Workflow.objects.count()


@pytest.mark.parametrize("changes", [1, 15])
def test_the_history_costs_the_same_for_many_changes(
    admin_client, admin, changes, django_assert_max_num_queries
):
    retail = Workflow.objects.get(kind=OrderKind.PRODUCT, customer_kind="person")
    for hours in range(1, changes + 1):
        workflow_save(workflow=retail, changes={"stage_sla_hours": {"request": hours}}, by=admin)
        retail.refresh_from_db()

    with django_assert_max_num_queries(8):
        page = admin_client.get(f"/admin-portal/workflows/{retail.pk}/history/").content.decode()

    assert page.count("history-entry") == changes + 1  # and where the history began
