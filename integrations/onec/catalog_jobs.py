"""Catalog imports as background jobs: 1C's `import` call starts one and polls it.

The row is the job: a worker claims it (`pending` → `running`) and records the result. If
the broker is down the nudge is lost but the row is not: a later poll finds the job
still waiting and the view nudges again (`tasks.onec_catalog_import_nudge`), so 1C's
polling itself drives the retry.
"""

import logging
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from integrations.onec.catalog_import import catalog_file_import
from integrations.onec.models import CatalogImportJob, ExchangeSession
from integrations.onec.xml_input import OnecInputError, parse_untrusted

logger = logging.getLogger(__name__)

RENUDGE_AFTER = timedelta(seconds=30)
# A worker killed mid-import leaves its job running; after this it may be claimed again.
RUNNING_TIMEOUT = timedelta(minutes=10)


def catalog_job_poll(
    *, session: ExchangeSession, filename: str, path
) -> tuple[CatalogImportJob, bool]:
    """The job importing `filename` in this session, started on the first call, and whether
    a worker should be nudged for it (new, or still waiting after a lost nudge)."""
    job = (
        CatalogImportJob.objects.filter(session=session, filename=filename)
        .order_by("-created_at", "-id")
        .first()
    )
    if job is None:
        job = CatalogImportJob.objects.create(
            profile=session.profile, session=session, filename=filename, path=str(path)
        )
        return job, True
    waiting = job.status == CatalogImportJob.Status.PENDING
    return job, waiting and timezone.now() - job.created_at > RENUDGE_AFTER


def catalog_job_run(job_id: int) -> str | None:
    """Claim and run the job; returns its final status, None when another worker has it."""
    now = timezone.now()
    claimable = CatalogImportJob.objects.filter(pk=job_id).filter(
        status=CatalogImportJob.Status.PENDING
    ) | CatalogImportJob.objects.filter(
        pk=job_id, status=CatalogImportJob.Status.RUNNING, started_at__lt=now - RUNNING_TIMEOUT
    )
    if not claimable.update(status=CatalogImportJob.Status.RUNNING, started_at=now):
        return None
    job = CatalogImportJob.objects.select_related("profile__service_user").get(pk=job_id)
    try:
        with open(job.path, "rb") as file:
            root = parse_untrusted(file.read())
        summary = catalog_file_import(profile=job.profile, root=root)
    except (OnecInputError, OSError) as error:
        job.status = CatalogImportJob.Status.FAILED
        job.problems = [str(error)]
    except Exception:
        logger.exception("1C catalog import %s failed", job_id)
        job.status = CatalogImportJob.Status.FAILED
        job.problems = [_("Internal error; see the server log.")]
    else:
        job.status = CatalogImportJob.Status.DONE
        job.summary = summary.as_dict()
        job.problems = summary.problems
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "summary", "problems", "finished_at"])
    return job.status
