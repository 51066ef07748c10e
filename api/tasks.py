from celery import shared_task

from api.services import idempotency_keys_purge


@shared_task
def idempotency_keys_purge_task() -> int:
    """Delete idempotency keys older than their 24-hour lifetime; safe to run twice."""
    return idempotency_keys_purge()
