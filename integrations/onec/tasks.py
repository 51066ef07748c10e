import logging

from celery import current_app, shared_task

from integrations.onec.catalog_jobs import catalog_job_run
from integrations.onec.maintenance import exchange_sweep

logger = logging.getLogger(__name__)

IMPORT_TASK = "integrations.onec.tasks.onec_catalog_import_task"
SWEEP_TASK = "integrations.onec.tasks.onec_exchange_sweep_task"


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


@shared_task(name=SWEEP_TASK)
def onec_exchange_sweep_task() -> dict:
    """Queue the catalog jobs left waiting or abandoned and purge expired sessions, upload
    folders and old job rows (beat, every few minutes); safe to run twice."""
    result = exchange_sweep()
    for job_id in result.stalled_jobs:
        onec_catalog_import_nudge(job_id)
    return {
        "requeued": len(result.stalled_jobs),
        "sessions_purged": result.sessions_purged,
        "folders_purged": result.folders_purged,
        "jobs_purged": result.jobs_purged,
    }
