"""A catalog import the way production runs it: 1C's `import` queues the job on the broker,
a real Celery worker process imports the file, and 1C's polling hears `progress`, then
`success`."""

from pathlib import Path

import pytest
from lxml import etree

from catalog.models import Item
from integrations.onec.models import CatalogImportJob
from tests.conftest import wait_until
from tests.onec.conftest import basic_auth

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("role_groups"),
]
URL = "/1c_exchange/"
DATA = Path(__file__).parent / "data"
NS = {"c": "urn:1C.ru:commerceml_2"}


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    # The job keeps the file's absolute path, so the worker reads it wherever it lies.
    settings.PRIVATE_MEDIA_ROOT = tmp_path


def _poll(client) -> list[str]:
    response = client.get(URL, {"type": "catalog", "mode": "import", "filename": "import.xml"})
    assert response.status_code == 200
    return response.content.decode().split("\n")


def test_the_worker_runs_the_job_while_1c_polls(celery_worker, client, profile):
    lines = (
        client.get(URL, {"type": "catalog", "mode": "checkauth"}, HTTP_AUTHORIZATION=basic_auth())
        .content.decode()
        .split("\n")
    )
    client.cookies[lines[1]] = lines[2]
    body = (DATA / "carono-import.xml").read_bytes()
    uploaded = client.post(
        f"{URL}?type=catalog&mode=file&filename=import.xml",
        data=body,
        content_type="application/octet-stream",
    )
    assert uploaded.content == b"success"

    first = _poll(client)
    answers = [first[0]]

    def finished():
        answer = _poll(client)
        answers.append(answer[0])
        return answer if answer[0] != "progress" else None

    last = wait_until(finished, timeout=90, interval=0.5)

    assert first[0] == "progress"
    assert last, answers
    assert last[0] == "success", answers
    job = CatalogImportJob.objects.get()
    assert job.status == CatalogImportJob.Status.DONE
    assert job.started_at is not None
    assert job.finished_at >= job.started_at
    goods = etree.parse(str(DATA / "carono-import.xml")).findall(
        ".//c:Каталог/c:Товары/c:Товар", NS
    )
    assert Item.objects.exclude(external_id="").count() == len(goods)
    assert job.summary["items"] == len(goods)
    assert f"items: {len(goods)}" in last[1]
