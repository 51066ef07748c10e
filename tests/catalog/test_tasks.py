"""The periodic purge of CSV uploads that were never applied."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from catalog.models import CatalogImport
from catalog.tasks import catalog_imports_purge_task
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _upload(*, days_old: float, applied: bool) -> CatalogImport:
    catalog_import = CatalogImport.objects.create(
        kind=CatalogImport.Kind.ITEMS, file_name="f.csv", content="sku", uploaded_by=UserFactory()
    )
    uploaded = timezone.now() - timedelta(days=days_old)
    CatalogImport.objects.filter(pk=catalog_import.pk).update(
        created_at=uploaded, applied_at=uploaded if applied else None
    )
    return catalog_import


def test_the_purge_deletes_unapplied_uploads_older_than_a_week_only():
    stale = _upload(days_old=7.1, applied=False)
    recent = _upload(days_old=6.9, applied=False)
    applied = _upload(days_old=30, applied=True)

    assert catalog_imports_purge_task() == 1
    assert not CatalogImport.objects.filter(pk=stale.pk).exists()
    assert set(CatalogImport.objects.values_list("pk", flat=True)) == {recent.pk, applied.pk}
    assert catalog_imports_purge_task() == 0


def test_the_purge_is_scheduled_in_beat():
    task = PeriodicTask.objects.get(task="catalog.tasks.catalog_imports_purge_task")

    assert task.enabled
    assert (task.interval.every, task.interval.period) == (1, "days")
