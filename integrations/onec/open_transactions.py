"""Writes a 1C pass cannot see yet: the oldest transaction of another session that has
written and not committed (export_marks.py holds the pass's mark back to its start)."""

from datetime import datetime

from django.db import connection

# Client sessions only: autovacuum, WAL senders and other background processes write no
# order. A transaction counts once it has written (it holds a transaction id; the services
# take one with their first `select_for_update`): one that has only read stamps what it
# writes later after the pass began, and counting it would let a long read (pg_dump, a
# report) hold every window back. Idle in transaction counts: it may hold writes not yet
# committed (an aborted one has given its id up already). Sessions of other roles show no
# `xact_start` unless ours has pg_read_all_stats: a write by hand under another role is the
# daily full pass's to find, as before.
_OLDEST_OPEN_WRITE = """
    SELECT min(xact_start) FROM pg_stat_activity
    WHERE datname = current_database()
      AND pid <> pg_backend_pid()
      AND backend_type = 'client backend'
      AND backend_xid IS NOT NULL
"""


def oldest_open_write_started_at() -> datetime | None:
    """When the oldest transaction of another session that has written and not yet
    committed began (the database's clock), or None when there is none.

    Ask outside a transaction (a pass does, before its own) or once in one: within a
    transaction PostgreSQL answers again from the sessions it saw the first time.
    """
    if connection.vendor != "postgresql":
        # SQLite has one write lock, taken when a transaction begins (transaction_mode
        # IMMEDIATE) and waited for `timeout` seconds at most, and the pass writes its mark
        # under it too. A write stamped longer than the margin before the pass, still open
        # when the pass read, would have held that lock the whole time, failing every other
        # write of the application meanwhile.
        return None
    with connection.cursor() as cursor:
        cursor.execute(_OLDEST_OPEN_WRITE)
        return cursor.fetchone()[0]
