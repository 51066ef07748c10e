"""What creating an order through the API costs in SQL statements, and that the answer built
without reading the order back is the one a later read gives."""

from decimal import Decimal

import pytest

from accounts.roles import Role
from api.models import IdempotencyKey
from notifications.models import OutboxMessage
from orders.lifecycle import State
from orders.models import Order, OrderEvent, OrderLine
from tasks.models import Task
from tests.catalog.factories import CategoryFactory, ItemFactory, OrderFormFieldFactory
from tests.factories import CustomerFactory
from tests.orders.factories import WorkflowFactory
from tests.tasks.factories import TaskRuleFactory

# Each line's item sits in its own branch of a two-level tree, with fields declared on the
# root, the subcategory and the item: the order forms of all three cost one query.
THREE_LINES = [
    {"item": {"external_id": "SKU-1"}, "quantity": "2", "options": {"fabric": "Велюр"}},
    {"item": {"external_id": "SKU-2"}, "quantity": "0.333", "discount_percent": "7.5"},
    {"item": {"external_id": "SKU-3"}, "quantity": "5", "price": "19.99"},
]


@pytest.fixture
def three_items():
    furniture = CategoryFactory(name="Мебель")
    OrderFormFieldFactory(category=furniture, name="comment")
    sofas = CategoryFactory(name="Диваны", parent=furniture)
    OrderFormFieldFactory(category=sofas, name="color")
    sofa = ItemFactory(external_id="SKU-1", category=sofas, price=Decimal("45000.00"))
    OrderFormFieldFactory(item=sofa, name="fabric", choice=True, required=True)
    tables = CategoryFactory(name="Столы", parent=furniture)
    ItemFactory(external_id="SKU-2", category=tables, price=Decimal("1234.56"))
    ItemFactory(external_id="SKU-3", price=Decimal("10.00"))
    return sofa


def _body(external_id, **overrides):
    return {
        "kind": "product",
        "customer": {"external_id": "C-1"},
        "lines": THREE_LINES,
        "external_id": external_id,
        **overrides,
    }


def _statements(budget: int, *, transactions: int = 1) -> int:
    # `budget` counts the work; each transaction adds its BEGIN and COMMIT, which both
    # backends send as statements of their own (SQLite's is `BEGIN IMMEDIATE`, see settings).
    return budget + 2 * transactions


# Transactional, as in production: inside a test's transaction every atomic block would add
# a SAVEPOINT and a RELEASE that a request never sends. The first order of each test makes
# the year's number counter and records the key's first use, which later requests skip.


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("role_groups", "three_items")
def test_an_order_with_three_lines_costs_twelve_statements_and_its_transaction(
    keyed, django_assert_max_num_queries
):
    # key with its user's permissions, the throttle's count, customer, items (each saying
    # whether it has an order form), order forms (these have), workflow (saying whether it
    # has stage-task rules: this one has none, so they are not read), number (on PostgreSQL
    # taken by the order's INSERT: one less), order, lines, event, the first stage's stay
    # (read by the reports), outbox row
    api = keyed(roles=[Role.MANAGER])
    CustomerFactory(external_id="C-1")
    WorkflowFactory(kind="product")
    first = api.post("/api/v1/orders/", _body("1C-1"), format="json")
    workflow = Order.objects.get(pk=first.json()["id"]).workflow

    with django_assert_max_num_queries(_statements(12)):
        response = api.post("/api/v1/orders/", _body("1C-2"), format="json")

    assert response.status_code == 201, response.json()
    order = Order.objects.get(external_id="1C-2")
    assert response.json()["id"] == order.pk
    assert response.json()["number"] == order.number
    assert workflow is not None
    assert order.workflow == workflow
    assert OrderLine.objects.filter(order=order).count() == 3
    event = OrderEvent.objects.get(order=order)
    assert (event.action, event.to_state, event.actor) == (
        "created",
        "request",
        api.api_client.user,
    )
    outbox = OutboxMessage.objects.get(dedupe_key=f"order-event:{event.pk}")
    assert (outbox.topic, outbox.payload["order_id"]) == ("order.created", order.pk)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("role_groups", "three_items")
def test_a_stage_task_rule_still_makes_its_task_for_a_few_statements_more(
    keyed, django_assert_max_num_queries
):
    api = keyed(roles=[Role.MANAGER])
    CustomerFactory(external_id="C-1")
    WorkflowFactory(kind="product")
    first = api.post("/api/v1/orders/", _body("1C-1"), format="json")
    workflow = Order.objects.get(pk=first.json()["id"]).workflow
    TaskRuleFactory(workflow=workflow, state=State.REQUEST, title="Позвонить клиенту")

    # The rules read (1); tasks are written in a savepoint each, inside one for them all
    # (5 for one task).
    with django_assert_max_num_queries(_statements(12 + 6)):
        response = api.post("/api/v1/orders/", _body("1C-2"), format="json")

    assert response.status_code == 201, response.json()
    order = Order.objects.get(external_id="1C-2")
    assert list(Task.objects.filter(order=order).values_list("title", flat=True)) == [
        "Позвонить клиенту"
    ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("role_groups", "three_items")
def test_with_an_idempotency_key_the_key_row_adds_at_most_six_statements(
    keyed, django_assert_max_num_queries
):
    api = keyed(roles=[Role.MANAGER])
    CustomerFactory(external_id="C-1")
    WorkflowFactory(kind="product")
    assert api.post("/api/v1/orders/", _body("1C-1"), format="json").status_code == 201

    # The key row inserted in a savepoint (3) and given its answer (1); the order's own
    # transaction is a savepoint inside the key's (2).
    with django_assert_max_num_queries(_statements(12 + 6)):
        response = api.post(
            "/api/v1/orders/", _body("1C-2"), format="json", HTTP_IDEMPOTENCY_KEY="k-2"
        )
    replay = api.post("/api/v1/orders/", _body("1C-2"), format="json", HTTP_IDEMPOTENCY_KEY="k-2")

    assert response.status_code == 201, response.json()
    assert (replay.status_code, replay["Idempotent-Replayed"]) == (201, "true")
    assert replay.json() == response.json()
    assert IdempotencyKey.objects.get(key="k-2").response_body["id"] == response.json()["id"]
    assert Order.objects.filter(external_id="1C-2").count() == 1


@pytest.mark.django_db
@pytest.mark.usefixtures("three_items")
def test_the_created_order_is_answered_as_a_later_read_shows_it(manager_api):
    CustomerFactory(external_id="C-1")

    created = manager_api.post(
        "/api/v1/orders/", _body("1C-7", delivery_method="pickup"), format="json"
    )
    read = manager_api.get(f"/api/v1/orders/{created.json()['id']}/")

    assert created.status_code == 201, created.json()
    assert created.json() == read.json()
    assert created.json()["total"] == "90480.23"
    assert [line["quantity"] for line in created.json()["lines"]] == ["2.000", "0.333", "5.000"]


@pytest.mark.django_db
@pytest.mark.usefixtures("three_items")
def test_a_taken_external_id_is_still_a_422_naming_it_and_writes_nothing(manager_api):
    CustomerFactory(external_id="C-1")
    assert manager_api.post("/api/v1/orders/", _body("1C-9"), format="json").status_code == 201

    response = manager_api.post("/api/v1/orders/", _body("1C-9"), format="json")

    assert response.status_code == 422, response.json()
    assert "external_id" in response.json()["errors"]
    assert Order.objects.count() == 1
    assert OrderEvent.objects.count() == 1
    assert OutboxMessage.objects.filter(topic="order.created").count() == 1
