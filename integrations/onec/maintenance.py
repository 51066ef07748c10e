"""The 1C exchange's housekeeping, run by beat's sweep (`tasks.onec_exchange_sweep_task`).

A catalog job waits for a worker only as long as its nudge was not lost: 1C's polling
nudges again, but a 1C that gave up polling leaves it waiting, and a worker killed
mid-import leaves it running. The sweep hands both to a worker again. It also removes what
nobody will read again: sessions past their lifetime with their uploaded files, folders
whose session is gone, and finished job rows past `ONEC_JOB_RETENTION_DAYS`.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from integrations.onec.catalog_jobs import RENUDGE_AFTER, RUNNING_TIMEOUT
from integrations.onec.catalog_uploads import upload_folders_orphaned_purge
from integrations.onec.models import CatalogImportJob, ExchangeSession
from integrations.onec.profiles import SESSION_LIFETIME, sessions_purge_ended

Status = CatalogImportJob.Status


@dataclass
class SweepResult:
    stalled_jobs: list[int]
    sessions_purged: int
    folders_purged: int
    jobs_purged: int


def job_retention() -> timedelta:
    return timedelta(days=int(getattr(settings, "ONEC_JOB_RETENTION_DAYS", 90)))


def catalog_jobs_stalled(*, now=None) -> list[int]:
    """Jobs a worker should take again: waiting past a nudge, or running past the timeout
    (the claim in `catalog_job_run` lets only one worker have each)."""
    now = now or timezone.now()
    waiting = Q(status=Status.PENDING, created_at__lt=now - RENUDGE_AFTER)
    abandoned = Q(status=Status.RUNNING, started_at__lt=now - RUNNING_TIMEOUT)
    # A job older than its session's files can only fail: it is left to the purge.
    recent = Q(created_at__gte=now - SESSION_LIFETIME)
    return list(
        CatalogImportJob.objects.filter((waiting | abandoned) & recent)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )


def catalog_jobs_purge(*, now=None) -> int:
    """Delete job rows created before the retention period, finished or not."""
    cutoff = (now or timezone.now()) - job_retention()
    deleted, _by_model = CatalogImportJob.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def exchange_sweep(*, now=None) -> SweepResult:
    """Find the stalled jobs and purge what expired; the caller queues the jobs."""
    now = now or timezone.now()
    stalled = catalog_jobs_stalled(now=now)
    sessions = sessions_purge_ended(now=now)
    folders = upload_folders_orphaned_purge(
        session_ids=set(ExchangeSession.objects.values_list("pk", flat=True)),
        older_than_seconds=SESSION_LIFETIME.total_seconds(),
    )
    return SweepResult(
        stalled_jobs=stalled,
        sessions_purged=sessions,
        folders_purged=folders,
        jobs_purged=catalog_jobs_purge(now=now),
    )
