"""The whole demo (`manage.py seed_demo`: six months of orders) loaded once for this package.

Loading it costs tens of seconds, so the story's own tests and the crawl of every page
share one load, rolled back when the package is done. No test here may be transactional.
"""

import io

import pytest
from django.core.management import call_command
from django.db import transaction


@pytest.fixture(scope="package", autouse=True)
def demo_data(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)
