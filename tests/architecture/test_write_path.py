"""The one rule of the architecture, held mechanically: the whole codebase passes the guard in
`write_path.py`, and every way of breaking the rule planted in a module makes it fail."""

import textwrap

import pytest

from orders.models import Order
from tests.architecture import write_path
from tests.architecture.write_path import (
    ALLOWED,
    DOMAIN_SERVICES,
    KNOWN_VIOLATIONS,
    check_codebase,
    declared_packages,
    first_party_modules,
    first_party_packages,
    lifecycle,
    module_matches,
    module_name,
)

# The line a planted violation must be reported on ends with this.
HERE = "# <- here"


def test_the_codebase_keeps_to_the_one_write_path():
    violations = check_codebase()

    unexpected = [str(v) for v in violations if (v.path, v.rule) not in KNOWN_VIOLATIONS]

    assert unexpected == [], (
        "Only the services change an order, write its events and cause side effects "
        "(DESIGN.md, 'The one rule'). Call a service instead. A receiver that cannot be an "
        "order (`close`, `resolve` on a file or a path) goes in NOT_ORDERS."
    )


def test_every_known_violation_is_still_there():
    found = {(v.path, v.rule) for v in check_codebase()}

    assert [entry for entry in KNOWN_VIOLATIONS if entry not in found] == []


def test_every_installed_package_is_scanned():
    scanned = first_party_packages()

    assert set(declared_packages()) <= set(scanned)
    assert {"billing", "carts", "tasks", "conversations"} <= set(scanned)


def test_every_allowed_module_exists():
    modules = [
        module_name(p.relative_to(write_path.REPO).as_posix()) for p in first_party_modules()
    ]
    patterns = {pattern for rule in ALLOWED.values() for pattern in rule} - set(DOMAIN_SERVICES)

    missing = [p for p in sorted(patterns) if not any(module_matches(m, [p]) for m in modules)]

    assert missing == []


def test_the_guard_knows_every_transition_and_the_state_field():
    names = {t.name for t in Order._meta.get_field("state").get_all_transitions(Order)}

    assert names <= lifecycle().transitions
    assert {"cancel", "ship", "take_ticket", "close_ticket"} <= lifecycle().transitions
    assert lifecycle().fields == {"state"}


def test_the_state_field_refuses_direct_assignment():
    order = Order(state="request")

    with pytest.raises(AttributeError, match="not allowed"):
        order.state = "closed"

    assert order.state == "request"


def _plant(tmp_path, path: str, source: str):
    """Write `source` at `path` in a fresh tree, packages and all, and run the guard over it."""
    module = tmp_path / path
    for folder in [module.parent, *module.parent.parents]:
        if folder == tmp_path:
            break
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "__init__.py").touch()
    module.write_text(textwrap.dedent(source))
    assert module in first_party_modules(tmp_path)  # or a clean result would prove nothing
    return [(v.path, v.line, v.rule) for v in check_codebase(tmp_path)]


def _expected(path: str, source: str, rule: str):
    lines = textwrap.dedent(source).splitlines()
    return [(path, number, rule) for number, line in enumerate(lines, 1) if line.endswith(HERE)]


PLANTED = [
    # The eight plants a folder-by-folder regex let through, then their variants.
    pytest.param(
        "billing/services.py",
        """
        def invoice_void(order):
            order.cancel(reason="void")  # <- here
        """,
        "transition-call",
        id="transition-in-billing",
    ),
    pytest.param(
        "portals/manager/orders.py",
        """
        def ship(request, o):
            o.ship()  # <- here
        """,
        "transition-call",
        id="transition-on-any-name",
    ),
    pytest.param(
        "api/views.py",
        """
        from orders.models import Order

        def close(pk):
            Order.objects.filter(pk=pk).update(
                version=2,
                state="closed",  # <- here
            )
        """,
        "state-write",
        id="multi-line-update",
    ),
    pytest.param(
        "tasks/services.py",
        """
        from orders.models import Order

        def close_all(orders):
            Order.objects.bulk_update(orders, ["state", "version"])  # <- here
        """,
        "state-write",
        id="bulk-update-state",
    ),
    pytest.param(
        "conversations/services.py",
        """
        from orders.models import OrderEvent

        def note(order):
            OrderEvent.objects.create(order=order, action="note")  # <- here
        """,
        "event-create",
        id="event-outside-the-services",
    ),
    pytest.param(
        "portals/client/views.py",
        """
        from notifications.outbox import outbox_write

        def feedback(request, order):
            outbox_write(topic="x", aggregate_id=1, payload={}, dedupe_key="k")  # <- here
        """,
        "outbox-write",
        id="outbox-from-a-view",
    ),
    pytest.param(
        "api/views.py",
        """
        def act(order, name):
            return getattr(order, name)()  # <- here
        """,
        "dynamic-call",
        id="getattr-call",
    ),
    pytest.param(
        "portals/manager/orders.py",
        """
        from django.core.mail import send_mail

        def remind(request):
            send_mail("Hi", "body", None, ["a@example.com"])  # <- here
        """,
        "mail",
        id="send-mail-from-a-view",
    ),
    pytest.param(
        "portals/manager/orders.py",
        """
        import requests

        def push(request):
            requests.post("https://example.com/hook", json={})  # <- here
        """,
        "http",
        id="requests-from-a-view",
    ),
    pytest.param(
        "portals/manager/orders.py",
        """
        from notifications.tasks import delivery_task

        def retry(request, pk):
            delivery_task.delay(pk)  # <- here
        """,
        "task-enqueue",
        id="delay-from-a-view",
    ),
    pytest.param(
        "api/views.py",
        """
        from notifications.tasks import delivery_task

        def retry(request, pk):
            delivery_task.apply_async(args=[pk])  # <- here
        """,
        "task-enqueue",
        id="apply-async-from-a-view",
    ),
    pytest.param(
        "portals/manager/orders.py",
        """
        from celery import current_app

        def retry(request, pk):
            current_app.send_task("notifications.tasks.delivery_task", args=[pk])  # <- here
        """,
        "task-enqueue",
        id="send-task-from-a-view",
    ),
    pytest.param(
        "portals/manager/tasks.py",
        """
        def retry(request, task, pk):
            task.delay(pk)  # <- here
        """,
        "task-enqueue",
        id="delay-from-views-named-tasks",
    ),
    pytest.param(
        "portals/client/views.py",
        """
        from django.core.mail import EmailMessage

        def contact(request):
            EmailMessage("Hi", "body", to=["a@example.com"]).send()  # <- here
        """,
        "mail",
        id="email-message-send",
    ),
    pytest.param(
        "portals/client/views.py",
        """
        from django.core import mail as post

        def contact(request):
            post.send_mail("Hi", "body", None, ["a@example.com"])  # <- here
        """,
        "mail",
        id="send-mail-aliased",
    ),
    pytest.param(
        "accounts/views.py",
        """
        def welcome(request):
            request.user.email_user("Hi", "body")  # <- here
        """,
        "mail",
        id="email-user",
    ),
    pytest.param(
        "api/views.py",
        """
        import urllib.request

        def ping(url):
            urllib.request.urlopen(url)  # <- here
        """,
        "http",
        id="urlopen",
    ),
    pytest.param(
        "portals/manager/orders.py",
        """
        from requests import post as send

        def push(request):
            send("https://example.com/hook")  # <- here
        """,
        "http",
        id="requests-aliased",
    ),
    pytest.param(
        "carts/services.py",
        """
        def checkout(order):
            order.state = "payment"  # <- here
        """,
        "state-write",
        id="state-assignment",
    ),
    pytest.param(
        "portals/manager/orders.py",
        """
        def force(order, value):
            setattr(order, "state", value)  # <- here
        """,
        "state-write",
        id="setattr-state",
    ),
    pytest.param(
        "api/views.py",
        """
        from orders.models import Order

        def upsert(number):
            Order.objects.update_or_create(number=number, defaults={"state": "closed"})  # <- here
        """,
        "state-write",
        id="update-or-create-defaults",
    ),
    pytest.param(
        "api/views.py",
        """
        from orders.models import Order

        def upsert(number):
            Order.objects.get_or_create(number=number, state="closed")  # <- here
        """,
        "state-write",
        id="get-or-create-lookup",
    ),
    pytest.param(
        "portals/manager/orders.py",
        """
        def close(orders):
            orders.update(**{"state": "closed"})  # <- here
        """,
        "state-write",
        id="update-unpacked-dict",
    ),
    pytest.param(
        "api/views.py",
        """
        from orders.models import Order

        def patch(request, pk, serializer):
            Order.objects.filter(pk=pk).update(**serializer.validated_data)  # <- here
        """,
        "state-write",
        id="update-with-unread-keywords",
    ),
    pytest.param(
        "api/views.py",
        """
        from orders.models import Order

        def import_closed(number):
            Order(number=number, state="closed").save()  # <- here
        """,
        "state-write",
        id="constructor-with-state",
    ),
    pytest.param(
        "customers/services.py",
        """
        from customers.models import Customer

        def close_all(pk):
            Customer.objects.get(pk=pk).orders.update(state="closed")  # <- here
        """,
        "state-write",
        id="update-across-a-relation",
    ),
    pytest.param(
        "billing/services.py",
        """
        def note(order):
            order.events.create(action="paid")  # <- here
        """,
        "event-create",
        id="event-through-the-relation",
    ),
    pytest.param(
        "conversations/services.py",
        """
        from orders import models

        def note(order):
            return models.OrderEvent(order=order, action="note")  # <- here
        """,
        "event-create",
        id="event-constructor",
    ),
    pytest.param(
        "portals/manager/orders.py",
        """
        from notifications.models import OutboxMessage

        def nudge(request):
            OutboxMessage.objects.create(topic="x")  # <- here
        """,
        "outbox-write",
        id="outbox-row-from-a-view",
    ),
    pytest.param(
        "api/views.py",
        """
        def act(order, name):
            method = getattr(order, name)
            return method()  # <- here
        """,
        "dynamic-call",
        id="getattr-then-call",
    ),
    pytest.param(
        "api/views.py",
        """
        def act(order):
            return getattr(order, "cancel")()  # <- here
        """,
        "transition-call",
        id="transition-by-constant-name",
    ),
    pytest.param(
        "api/views.py",
        """
        from orders.models import Order

        def act(order):
            Order.close(order)  # <- here
        """,
        "transition-call",
        id="transition-through-the-class",
    ),
    pytest.param(
        "portals/manager/orders.py",
        """
        from django.db import transaction

        def act(order):
            transaction.on_commit(order.resolve)  # <- here
        """,
        "transition-call",
        id="transition-passed-along",
    ),
    pytest.param(
        "orders/admin.py",
        """
        from pathlib import Path

        def act(order, path: Path):
            path.resolve()
            order.resolve()  # <- here
        """,
        "transition-call",
        id="transition-beside-a-path",
    ),
]


@pytest.mark.parametrize(("path", "source", "rule"), PLANTED)
def test_a_planted_violation_is_reported(tmp_path, path, source, rule):
    expected = _expected(path, source, rule)

    reported = _plant(tmp_path, path, source)

    assert len(expected) == 1
    assert reported == expected


@pytest.mark.parametrize(
    "path",
    ["orders/services.py", "orders/services/lifecycle.py", "orders/services/__init__.py"],
)
def test_the_services_may_do_it_in_either_layout(tmp_path, path):
    source = """
        from orders.models import Order, OrderEvent
        from notifications.outbox import outbox_write

        def order_close(order, *, by):
            locked = Order.objects.select_for_update().get(pk=order.pk)
            locked.close()
            getattr(locked, "version")
            locked.save(update_fields=["state"])
            OrderEvent.objects.create(order=locked, action="close")
            outbox_write(topic="order.close", aggregate_id=1, payload={}, dedupe_key="k")
        """

    assert _plant(tmp_path, path, source) == []


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("billing/services.py", "from notifications.outbox import outbox_write\noutbox_write()"),
        ("notifications/tasks.py", "def retry(task, pk):\n    task.apply_async(args=[pk])"),
        ("notifications/channels.py", "import requests\nrequests.post('https://x')"),
        ("billing/gateway/client.py", "import requests\nrequests.request('GET', 'https://x')"),
    ],
)
def test_the_allowed_modules_may_do_their_part(tmp_path, path, source):
    assert _plant(tmp_path, path, source) == []


NOT_VIOLATIONS = """
    from pathlib import Path

    import requests
    from django.db import connection, transaction
    from django.db.models import Q

    from orders.models import Order, OrderEvent
    from tasks.models import TaskRule

    BASE_DIR = Path(__file__).resolve().parent


    def page(request, queryset, order, rule, settings, name, workflow):
        Path("x").resolve()
        queryset.filter(state="paid")
        Order.objects.filter(state__in=["paid", "closed"]).exclude(Q(state="new"))
        if order.state == "x" or order.state in {"a", "b"}:
            pass
        counts = {}
        counts[rule.state] = counts.get(rule.state, 0) + 1
        TaskRule.objects.get_or_create(workflow=workflow, state="payment")
        getattr(order, "number")
        getattr(settings, name)
        OrderEvent.objects.filter(order=order).order_by("id")
        OrderEvent.objects.bulk_update([], ["feed_position"])
        requests.utils.quote(name)
        transaction.get_connection()
        connection.close()
        state = order.state
        context = {"state": state}
        context.update(**request.GET.dict())
        TaskRule.objects.create(**context)
        return context


    def resolve_path(path: Path | None):
        return path.resolve() if path else None
    """


def test_reads_and_lookalikes_are_not_reported(tmp_path):
    assert _plant(tmp_path, "portals/manager/orders.py", NOT_VIOLATIONS) == []


def test_a_module_that_does_not_parse_is_reported_not_skipped(tmp_path):
    assert _plant(tmp_path, "api/views.py", "def broken(:\n") == [("api/views.py", 1, "syntax")]
