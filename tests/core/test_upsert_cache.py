"""Production's database cache: a set is one statement, and reads see what it wrote."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.settings import CACHE_TABLE
from core.cache import UpsertDatabaseCache


@pytest.fixture
def table_cache(transactional_db):
    cache = UpsertDatabaseCache(CACHE_TABLE, {})
    cache.clear()
    yield cache
    cache.clear()


def test_a_set_is_one_upsert_and_a_second_set_replaces_the_value(table_cache):
    table_cache.set("warm", 0)  # the first set of the process also checks the table's size

    with CaptureQueriesContext(connection) as first:
        table_cache.set("throttle", [1.0, 2.0], 60)
    with CaptureQueriesContext(connection) as second:
        table_cache.set("throttle", [3.0], 60)

    assert len(first.captured_queries) == len(second.captured_queries) == 1
    assert table_cache.get("throttle") == [3.0]


def test_timeouts_and_deletes_behave_as_the_django_cache(table_cache):
    table_cache.set("gone", "x", 0)
    table_cache.set("kept", "y", None)
    table_cache.set("deleted", "z", 60)
    table_cache.delete("deleted")

    assert table_cache.get("gone") is None
    assert table_cache.get("kept") == "y"
    assert table_cache.get("deleted") is None
    assert table_cache.add("kept", "other") is False
