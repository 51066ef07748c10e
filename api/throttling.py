from django.db import connection
from rest_framework.throttling import SimpleRateThrottle

from api.models import ThrottleWindow
from api.permissions import request_client

# The count starts again when the stored window is not the request's; a request refused
# is counted too, which only keeps a flooding key refused until the window ends.
_COUNT_SQL = (
    'INSERT INTO {table} ("key", "window_start", "count") VALUES (%s, %s, 1) '
    'ON CONFLICT ("key") DO UPDATE SET '
    '"count" = CASE WHEN {table}."window_start" = EXCLUDED."window_start" '
    'THEN {table}."count" + 1 ELSE 1 END, '
    '"window_start" = EXCLUDED."window_start" '
    'RETURNING "count"'
)


def _count_request(key: str, window_start: int) -> int:
    """This request's number in its window; one statement on PostgreSQL and SQLite."""
    table = connection.ops.quote_name(ThrottleWindow._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(_COUNT_SQL.format(table=table), [key, window_start])
        return cursor.fetchone()[0]


class ApiKeyRateThrottle(SimpleRateThrottle):
    """Requests per API key (rate `api_key` in REST_FRAMEWORK); portal sessions are not counted.

    Keyed by the key's prefix, not the client's row id, so ids reused by a test database
    never share a bucket. A 429 carries `Retry-After`: the seconds until the window ends.

    Counted in fixed windows of the rate's period, in `ThrottleWindow`. DRF's own throttle
    keeps the time of every request of the last period in the cache, a list that every
    request reads, unpickles, pickles and writes back: at 1,200 a minute, 10 kB.
    """

    scope = "api_key"

    def get_cache_key(self, request, view):
        client = request_client(request)
        if client is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": client.key_prefix}

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window_start = int(self.now - self.now % self.duration)
        self.window_end = window_start + self.duration
        if _count_request(self.key, window_start) > self.num_requests:
            return self.throttle_failure()
        return True

    def wait(self):
        return self.window_end - self.now
