"""The catalog exchange over HTTP: chunked and zipped uploads with their limits, the import
as a background job that 1C polls, and the real 1C samples imported."""

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils.translation import gettext
from lxml import etree

from catalog.models import Attribute, Category, Item, ItemAttributeValue
from integrations.onec.catalog_import import attribute_code, catalog_file_import, category_slug
from integrations.onec.catalog_jobs import catalog_job_run
from integrations.onec.models import CatalogImportJob, ExchangeLogEntry, IntegrationProfile
from integrations.onec.xml_input import parse_untrusted
from tests.onec.conftest import basic_auth

pytestmark = pytest.mark.django_db
URL = "/1c_exchange/"
DATA = Path(__file__).parent / "data"
NS = {"c": "urn:1C.ru:commerceml_2"}


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path


def _checkauth(client):
    lines = (
        client.get(URL, {"type": "catalog", "mode": "checkauth"}, HTTP_AUTHORIZATION=basic_auth())
        .content.decode()
        .split("\n")
    )
    client.cookies[lines[1]] = lines[2]


def _post(client, filename, body):
    return client.post(
        f"{URL}?type=catalog&mode=file&filename={filename}",
        data=body,
        content_type="application/octet-stream",
    )


def _upload_in_parts(client, filename, body, part):
    for start in range(0, len(body), part):
        assert _post(client, filename, body[start : start + part]).content == b"success"
    return (len(body) + part - 1) // part


def _import(client, filename):
    return client.get(URL, {"type": "catalog", "mode": "import", "filename": filename})


def _run_the_worker():
    for job in CatalogImportJob.objects.filter(status=CatalogImportJob.Status.PENDING):
        catalog_job_run(job.pk)


def _sample(name) -> etree._Element:
    return etree.parse(str(DATA / name)).getroot()


def test_a_chunked_upload_a_zip_and_imports_polled_until_done(client, profile):
    IntegrationProfile.objects.filter(pk=profile.pk).update(file_limit=16 * 1024)
    profile.refresh_from_db()
    _checkauth(client)
    assert client.get(URL, {"type": "catalog", "mode": "init"}).content == (
        f"zip=yes\nfile_limit={16 * 1024}".encode()
    )
    catalog = (DATA / "carono-import.xml").read_bytes()

    parts = _upload_in_parts(client, "C:\\Обмен\\import.xml", catalog, profile.file_limit)
    assert parts >= 3
    first = _import(client, "import.xml")
    assert first.content.decode().split("\n")[0] == "progress"
    assert _import(client, "import.xml").content.decode().startswith("progress")
    assert CatalogImportJob.objects.count() == 1  # polling does not start a second job
    _run_the_worker()
    done = _import(client, "import.xml").content.decode().split("\n")

    assert done[0] == "success"
    sample = _sample("carono-import.xml")
    goods = sample.findall(".//c:Каталог/c:Товары/c:Товар", NS)
    groups = sample.findall(".//c:Классификатор//c:Группа", NS)
    properties = sample.findall(".//c:Классификатор/c:Свойства/c:Свойство", NS)
    assert Item.objects.exclude(external_id="").count() == len(goods)
    assert Category.objects.filter(slug__startswith="1c-").count() == len(groups)
    assert Attribute.objects.filter(code__startswith="p1c_").count() == len(properties)
    boots = Item.objects.get(external_id="bd72d910-55bc-11d9-848a-00112f43529a")
    assert (boots.sku, boots.name) == ("Б-130001", "Женские ботфорты коричневые")
    assert boots.category.slug == category_slug("e5a4c309-a659-11dd-acee-0015e9b8c48d")
    maker = ItemAttributeValue.objects.get(
        item=boots, attribute__code=attribute_code("bb14a4b8-6b17-11e0-9819-e0cb4ed5eed4")
    )
    assert maker.value == "Обувной комбинат"  # the reference value, not its id

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("../../offers.xml", (DATA / "carono-offers.xml").read_bytes())
    _upload_in_parts(client, "offers.zip", archive.getvalue(), 1024)
    assert _import(client, "offers.xml").content.startswith(b"progress")
    _run_the_worker()
    assert _import(client, "offers.xml").content.startswith(b"success")

    boots.refresh_from_db()
    variant_prices = [
        Decimal(offer.findtext("c:Цены/c:Цена/c:ЦенаЗаЕдиницу", namespaces=NS))
        for offer in _sample("carono-offers.xml").findall(".//c:Предложение", NS)
        if offer.findtext("c:Ид", namespaces=NS).startswith(boots.external_id + "#")
    ]
    assert len(variant_prices) > 1
    assert boots.price == min(variant_prices)  # the product costs "from" its cheapest variant
    modes = list(
        ExchangeLogEntry.objects.filter(exchange_type="catalog").values_list("mode", "result")
    )
    assert ("import", "progress") in modes
    assert ("import", "success") in modes
    assert modes.count(("file", "success")) >= parts


def test_importing_the_same_files_again_changes_nothing(profile):
    for name in ("carono-import.xml", "carono-offers.xml"):
        catalog_file_import(profile=profile, root=parse_untrusted((DATA / name).read_bytes()))
    before = list(
        Item.objects.order_by("pk").values_list("external_id", "sku", "price", "in_stock")
    )

    for name in ("carono-import.xml", "carono-offers.xml"):
        summary = catalog_file_import(
            profile=profile, root=parse_untrusted((DATA / name).read_bytes())
        )

    assert (
        list(Item.objects.order_by("pk").values_list("external_id", "sku", "price", "in_stock"))
        == before
    )
    assert summary.prices > 0


def test_the_price_type_of_the_profile_is_the_one_taken(profile):
    profile.price_type = "Оптовая"
    catalog_file_import(
        profile=profile, root=parse_untrusted((DATA / "carono-import.xml").read_bytes())
    )

    summary = catalog_file_import(
        profile=profile, root=parse_untrusted((DATA / "carono-offers.xml").read_bytes())
    )

    assert Item.objects.exists()
    assert not Item.objects.filter(price__gt=0).exists()
    assert "Тип цен «Оптовая» не найден в файле" in summary.problems


@pytest.mark.parametrize(
    "name",
    [
        "dobromyslov-import0_1.xml",
        "dobromyslov-offers0_1.xml",
        "stee1cat-import-3.1.xml",
    ],
)
def test_samples_that_break_the_schema_import_as_far_as_their_data_allows(profile, name):
    if name == "dobromyslov-offers0_1.xml":
        catalog_file_import(
            profile=profile, root=parse_untrusted((DATA / "dobromyslov-import0_1.xml").read_bytes())
        )
    root = parse_untrusted((DATA / name).read_bytes())

    summary = catalog_file_import(profile=profile, root=root)

    counted = summary.items + summary.prices + summary.categories + summary.attributes
    assert counted > 0, summary.problems
    if name == "dobromyslov-import0_1.xml":
        goods = _sample(name).findall(".//c:Каталог/c:Товары/c:Товар", NS)
        assert summary.items == len(goods)


def test_an_archive_that_unpacks_beyond_the_limit_is_refused(client, profile, settings):
    settings.ONEC_MAX_UNZIPPED_BYTES = 10_000
    _checkauth(client)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("import.xml", b"<a>" + b" " * 1_000_000 + b"</a>")
    assert len(archive.getvalue()) < 10_000
    _post(client, "bomb.zip", archive.getvalue())

    answer = _import(client, "import.xml").content.decode().split("\n")

    assert answer[0] == "failure"
    assert answer[1] == gettext("The archive unpacks to more than %(limit)d bytes.") % {
        "limit": 10_000
    }
    assert not CatalogImportJob.objects.exists()


def test_an_import_of_a_file_never_uploaded_is_a_failure(client, profile):
    _checkauth(client)

    answer = _import(client, "import.xml")

    assert answer.status_code == 200
    assert answer.content.startswith(b"failure\n")


def test_a_broken_file_fails_the_job_and_1c_hears_why(client, profile):
    _checkauth(client)
    _post(client, "import.xml", b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e 'x'>]><x>&e;</x>")
    _import(client, "import.xml")
    _run_the_worker()

    answer = _import(client, "import.xml").content.decode().split("\n")

    assert answer[0] == "failure"
    assert CatalogImportJob.objects.get().status == CatalogImportJob.Status.FAILED
