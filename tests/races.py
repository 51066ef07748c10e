"""Threads released at once against the real database: how the race tests make a race."""

import threading

import pytest
from django.db import connection, connections


def skip_unless_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("row-lock races are measured on PostgreSQL (the CI's second run)")


def race(count, work):
    """Run `work(index)` in `count` threads released at once; return each result or error."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(index):
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as error:  # the outcome is what we count
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results
