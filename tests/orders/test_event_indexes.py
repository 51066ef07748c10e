"""The events table, the largest one, keeps only the indexes a read of the application uses:
every event written pays for each (orders/migrations/0032)."""

import pytest
from django.db import connection

from orders.models import OrderEvent

pytestmark = pytest.mark.django_db


def _indexes() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, OrderEvent._meta.db_table)
    return {
        name: details["columns"]
        for name, details in constraints.items()
        if details["index"] and not details["primary_key"] and not details["unique"]
    }


def test_the_events_are_read_by_order_through_one_index_and_the_backfills_ones_are_gone():
    indexes = _indexes()

    assert indexes["order_event_order_idx"] == ["order_id", "id"]
    assert ["order_id"] not in indexes.values()  # (order, id) serves the key alone
    assert "order_event_change_idx" not in indexes
    assert "order_event_closed_idx" not in indexes
    assert sorted(indexes) == sorted(
        ["order_event_order_idx", "order_event_unfed_idx", _actor_index(indexes)]
    )


def _actor_index(indexes) -> str:
    return next(name for name, columns in indexes.items() if columns == ["actor_id"])
