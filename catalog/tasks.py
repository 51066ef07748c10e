from celery import shared_task

from catalog.imports import catalog_imports_purge


@shared_task
def catalog_imports_purge_task() -> int:
    """Delete CSV uploads never applied within a week; safe to run twice."""
    return catalog_imports_purge()
