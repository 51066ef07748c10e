"""With a replica configured, the reports read it and the rest of the page the primary."""

import importlib

import pytest
from django.apps import apps
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.databases import REPLICA
from tests.portals.test_manager_reports import (  # noqa: F401 (fixtures)
    MARCH,
    build_history,
    clock,
    csv_rows,
    director,
    english_client,
    sales,
    t0,
)

# Committed writes: the replica is another connection, it cannot see an open transaction.
pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


@pytest.fixture(autouse=True)
def default_workflows(role_groups):
    """The default workflows of the data migration, put back after a flush as `role_groups`
    puts back the roles (`serialized_rollback` would clash with the content types an earlier
    flush re-made)."""
    migration = importlib.import_module("orders.migrations.0002_role_permissions_default_workflows")
    migration.forward(apps, None)


REPORT_TABLES = ("orders_orderevent", "orders_stagestay", "conversations_feedback")


def _reading(queries, tables=REPORT_TABLES) -> list[str]:
    return [q["sql"] for q in queries if any(f'"{table}"' in q["sql"] for table in tables)]


def test_the_report_queries_run_on_the_replica(director, sales, clock, t0, settings):  # noqa: F811
    build_history(sales, clock, t0)
    settings.REPORTS_DATABASE = REPLICA

    with (
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        page = director.get(reverse("portals_manager:reports"), MARCH)
        by_manager = director.get(
            reverse("portals_manager:report_export", args=["revenue-by-manager"]), MARCH
        )

    assert page.status_code == 200
    assert csv_rows(by_manager) == [
        ["Manager", "Currency", "Orders closed", "Revenue"],
        ["Анна Петрова", "RUB", "1", "2000.00"],
        ["Борис Иванов", "RUB", "1", "1000.00"],
    ]
    # The figures' version, the sales tables and the feedback tables: all on the replica.
    assert len(_reading(on_replica.captured_queries)) >= 7
    assert _reading(on_primary.captured_queries) == []
    # The session and the reader are the primary's.
    assert any('"accounts_user"' in q["sql"] for q in on_primary.captured_queries)
    assert (
        connections[REPLICA].settings_dict["NAME"] == connections["default"].settings_dict["NAME"]
    )


def test_without_a_replica_the_reports_read_the_primary(director, sales, clock, t0):  # noqa: F811
    build_history(sales, clock, t0)

    with (
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = director.get(reverse("portals_manager:reports"), MARCH)

    assert response.status_code == 200
    assert on_replica.captured_queries == []
    assert len(_reading(on_primary.captured_queries)) >= 7
