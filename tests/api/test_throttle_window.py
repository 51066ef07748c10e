"""The API key throttle counts each request exactly once, in one statement."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.models import ThrottleWindow
from api.throttling import _count_request
from tests.races import race, skip_unless_postgresql


@pytest.mark.django_db
def test_a_request_is_counted_by_one_statement_that_starts_again_with_the_window():
    with CaptureQueriesContext(connection) as queries:
        counts = [_count_request("throttle_api_key_abc", 600) for _ in range(3)]
    later = _count_request("throttle_api_key_abc", 660)

    assert counts == [1, 2, 3]
    assert len(queries) == 3
    assert later == 1
    assert ThrottleWindow.objects.get(key="throttle_api_key_abc").window_start == 660


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_each_get_their_own_number():
    skip_unless_postgresql()

    counts = race(12, lambda _index: _count_request("throttle_api_key_race", 600))

    # A read-then-write counter lets two requests read the same count and both pass.
    assert sorted(counts) == list(range(1, 13))
