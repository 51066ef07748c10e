"""A task makes the whole trip: broker, a real worker process, the database, the result."""

import os
import uuid

import pytest
from django.conf import settings
from django.db import connection

from core.tasks import ping_task
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("role_groups"),
]


def test_task_round_trips_through_a_real_worker(celery_worker):
    UserFactory.create_batch(3)
    token = uuid.uuid4().hex

    result = ping_task.delay(token)

    assert result.get(timeout=90) == {
        "echo": token,
        "database_vendor": connection.vendor,
        "user_count": 3,
    }


def test_worker_uses_the_configured_broker():
    # CI's second run sets Redis with PostgreSQL; otherwise the embedded SQLite broker.
    expected = os.environ.get("CELERY_BROKER_URL") or "sqla+sqlite:///"
    assert settings.CELERY_BROKER_URL.startswith(expected)
