"""Production's default cache, a database table, with `set` as one statement.

Django's `DatabaseCache.set` counts the table's rows, then in a transaction reads the key
and updates or inserts it: six statements, sent by every rate-limited request.
Here a set is one upsert (PostgreSQL and SQLite both have `ON CONFLICT`), and the count
that decides culling runs at most once per `CULL_CHECK_SECONDS` per process: the table may
pass `MAX_ENTRIES` for that long, which a cache of rate counters can afford.
"""

import base64
import pickle
import time
from contextlib import nullcontext, suppress
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.db import DatabaseError, connections, router, transaction
from django.utils.timezone import now as tz_now

CULL_CHECK_SECONDS = 10
UPSERT_VENDORS = ("postgresql", "sqlite")


class UpsertDatabaseCache(DatabaseCache):
    _culled_at = float("-inf")

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        if connection.vendor not in UPSERT_VENDORS:
            super().set(key, value, timeout, version)
            return
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        now = tz_now().replace(microsecond=0)
        if timeout is None:
            expires = datetime.max.replace(tzinfo=UTC if settings.USE_TZ else None)
        else:
            expires = datetime.fromtimestamp(timeout, tz=UTC if settings.USE_TZ else None)
        expires = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
        encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        quote = connection.ops.quote_name
        table = quote(self._table)
        key_column, value_column, expires_column = (
            quote(name) for name in ("cache_key", "value", "expires")
        )
        # In a caller's transaction a failed statement must not spoil it: a savepoint, as
        # Django's own set takes. In autocommit the one statement is atomic anyway. As in
        # Django's, a failed cache write does not fail the request.
        guard = transaction.atomic(using=db) if connection.in_atomic_block else nullcontext()
        with suppress(DatabaseError), guard, connection.cursor() as cursor:
            self._cull_now_and_then(db, cursor, now)
            cursor.execute(
                f"INSERT INTO {table} ({key_column}, {value_column}, {expires_column}) "  # noqa: S608 (our table)
                "VALUES (%s, %s, %s) "
                f"ON CONFLICT ({key_column}) DO UPDATE SET "
                f"{value_column} = EXCLUDED.{value_column}, "
                f"{expires_column} = EXCLUDED.{expires_column}",
                [key, encoded, expires],
            )

    def _cull_now_and_then(self, db, cursor, now) -> None:
        if time.monotonic() - self._culled_at < CULL_CHECK_SECONDS:
            return
        self._culled_at = time.monotonic()
        table = connections[db].ops.quote_name(self._table)
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (our table)
        count = cursor.fetchone()[0]
        if count > self._max_entries:
            self._cull(db, cursor, now, count)
