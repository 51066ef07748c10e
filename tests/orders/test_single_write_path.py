"""The one rule, checked mechanically: the state changes only in the lifecycle code, and
only the services call transition methods."""

import re
from pathlib import Path

import pytest

from orders.models import Order

BASE_DIR = Path(__file__).resolve().parents[2]
SOURCE_DIRS = [
    "accounts",
    "api",
    "catalog",
    "config",
    "core",
    "customers",
    "notifications",
    "orders",
    "portals",
]


def _sources():
    for directory in SOURCE_DIRS:
        for path in (BASE_DIR / directory).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def test_no_assignment_to_the_state_outside_the_lifecycle():
    assignment = re.compile(r"\.state\s*=(?!=)|\.update\([^)]*\bstate\s*=|\bstate__set\b")
    offenders = [
        f"{path.relative_to(BASE_DIR)}:{number}: {line.strip()}"
        for path in _sources()
        if path.relative_to(BASE_DIR).as_posix() != "orders/lifecycle.py"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if assignment.search(line)
    ]

    assert offenders == []


def test_only_services_call_transition_methods():
    names = sorted({t.name for t in Order._meta.get_field("state").get_all_transitions(Order)})
    # A call on something named like an order (`order.ship()`, `locked.cancel(...)`);
    # `Path.resolve()` and friends share names with transitions.
    call = re.compile(
        r"\b(\w*order\w*|\w*ticket\w*|locked|obj|instance)\.(" + "|".join(names) + r")\("
    )
    allowed = {"orders/lifecycle.py", "orders/services.py"}
    offenders = [
        f"{path.relative_to(BASE_DIR)}:{number}: {line.strip()}"
        for path in _sources()
        if path.relative_to(BASE_DIR).as_posix() not in allowed
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if call.search(line)
    ]

    assert offenders == []


def test_the_state_field_refuses_direct_assignment():
    order = Order(state="request")

    with pytest.raises(AttributeError, match="not allowed"):
        order.state = "closed"

    assert order.state == "request"
