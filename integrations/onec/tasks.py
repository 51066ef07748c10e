import logging

from celery import current_app, shared_task

from integrations.onec.catalog_jobs import catalog_job_run

logger = logging.getLogger(__name__)

IMPORT_TASK = "integrations.onec.tasks.onec_catalog_import_task"


@shared_task(name=IMPORT_TASK)
def onec_catalog_import_task(job_id: int) -> str | None:
    """Import a catalog file 1C uploaded; a second run of a finished job does nothing."""
    return catalog_job_run(job_id)


def onec_catalog_import_nudge(job_id: int) -> None:
    """Ask a worker to run the job; harmless to lose: 1C's next poll nudges again."""
    try:
        current_app.send_task(IMPORT_TASK, args=[job_id], retry=False, ignore_result=True)
    except Exception:  # the broker may be down; the job waits in the database
        logger.warning("Could not queue 1C catalog import %s", job_id, exc_info=True)
