from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import connection


# Its result is the point: the tests read it back through the result store.
@shared_task(ignore_result=False)
def ping_task(payload):
    """Round-trip check for workers: echoes the payload and what the worker's database holds."""
    return {
        "echo": payload,
        "database_vendor": connection.vendor,
        "user_count": get_user_model().objects.count(),
    }
