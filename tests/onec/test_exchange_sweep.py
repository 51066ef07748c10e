"""Beat's sweep of the 1C exchange: catalog jobs left waiting go to a worker again, and
expired sessions, their files, orphaned folders and old job rows are purged."""

import os
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from integrations.onec import tasks
from integrations.onec.catalog_uploads import session_folder, upload_append, upload_root
from integrations.onec.models import CatalogImportJob, ExchangeSession
from integrations.onec.tasks import SWEEP_TASK, onec_exchange_sweep_task

pytestmark = pytest.mark.django_db
Status = CatalogImportJob.Status


@pytest.fixture
def queued(monkeypatch):
    """The job ids the sweep hands to the broker."""
    sent = []
    monkeypatch.setattr(
        tasks.current_app, "send_task", lambda name, args, **options: sent.append((name, *args))
    )
    return sent


def _job(profile, *, age, status=Status.PENDING, started_age=None, session=None):
    job = CatalogImportJob.objects.create(
        profile=profile, session=session, filename="import.xml", path="/nowhere", status=status
    )
    now = timezone.now()
    CatalogImportJob.objects.filter(pk=job.pk).update(
        created_at=now - age,
        started_at=None if started_age is None else now - started_age,
    )
    return job


def test_jobs_left_waiting_or_abandoned_are_queued_again(profile, queued):
    waiting = _job(profile, age=timedelta(minutes=2))
    just_queued = _job(profile, age=timedelta(seconds=1))
    abandoned = _job(
        profile, age=timedelta(minutes=30), status=Status.RUNNING, started_age=timedelta(minutes=20)
    )
    running = _job(
        profile, age=timedelta(minutes=3), status=Status.RUNNING, started_age=timedelta(minutes=2)
    )
    _job(profile, age=timedelta(minutes=5), status=Status.DONE)

    result = onec_exchange_sweep_task()

    assert result["requeued"] == 2
    assert sorted(job_id for _name, job_id in queued) == sorted([waiting.pk, abandoned.pk])
    assert {name for name, _job_id in queued} == {tasks.IMPORT_TASK}
    assert just_queued.pk not in [job_id for _name, job_id in queued]
    assert running.pk not in [job_id for _name, job_id in queued]


def test_expired_sessions_orphaned_folders_and_old_jobs_are_purged(profile, queued):
    current = ExchangeSession.objects.create(profile=profile, token_hash="a" * 64)
    expired = ExchangeSession.objects.create(profile=profile, token_hash="b" * 64)
    ExchangeSession.objects.filter(pk=expired.pk).update(
        created_at=timezone.now() - timedelta(days=1)
    )
    for session in (current, expired):
        upload_append(session=session, filename="import.xml", data=b"<x/>")
    orphan = upload_root() / str(profile.pk) / "999999"
    orphan.mkdir(parents=True)
    fresh_orphan = upload_root() / str(profile.pk) / "999998"
    fresh_orphan.mkdir(parents=True)
    day_ago = time.time() - 24 * 3600
    os.utime(orphan, (day_ago, day_ago))
    _job(profile, age=timedelta(days=120), status=Status.DONE)  # past the retention
    recent = _job(profile, age=timedelta(days=10), status=Status.FAILED)

    result = onec_exchange_sweep_task()

    assert result == {"requeued": 0, "sessions_purged": 1, "folders_purged": 1, "jobs_purged": 1}
    assert list(ExchangeSession.objects.values_list("pk", flat=True)) == [current.pk]
    assert session_folder(current).is_dir()
    assert not session_folder(expired).exists()
    assert not orphan.exists()
    assert fresh_orphan.exists()  # perhaps a session being written right now
    assert list(CatalogImportJob.objects.values_list("pk", flat=True)) == [recent.pk]
    assert onec_exchange_sweep_task() == {
        "requeued": 0,
        "sessions_purged": 0,
        "folders_purged": 0,
        "jobs_purged": 0,
    }


def test_the_sweep_is_scheduled_in_beat():
    task = PeriodicTask.objects.get(task=SWEEP_TASK)

    assert task.enabled
    assert (task.interval.every, task.interval.period) == (5, "minutes")
