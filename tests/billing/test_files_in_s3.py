"""Files in an S3 bucket (a real moto server process): documents and chat files are written
to the private bucket by the services, read back only through the permission-checked views."""

import subprocess
import sys
from pathlib import Path

import boto3
import environ
import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from config.storage_settings import file_storages
from conversations.services import message_post
from orders.models import Invoice
from orders.services import invoice_issue
from tests.factories import ContactFactory
from tests.production.stack import free_port, wait_for

pytestmark = pytest.mark.django_db

MEDIA_BUCKET = "crm-media"
PRIVATE_BUCKET = "crm-private"


@pytest.fixture(scope="module")
def moto_server():
    port = free_port()
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: requests.get(url, timeout=1).ok, timeout=30, what="moto server")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def s3(moto_server, settings, monkeypatch):
    """STORAGES as `STORAGE_BACKEND=s3` builds them, against the moto server's fresh buckets."""
    for name, value in {
        "STORAGE_BACKEND": "s3",
        "AWS_S3_ENDPOINT_URL": moto_server,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_STORAGE_BUCKET_NAME": MEDIA_BUCKET,
        "AWS_PRIVATE_BUCKET_NAME": PRIVATE_BUCKET,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
    }.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=moto_server, region_name="us-east-1")
    requests.post(f"{moto_server}/moto-api/reset", timeout=5)
    client.create_bucket(Bucket=MEDIA_BUCKET)
    client.create_bucket(Bucket=PRIVATE_BUCKET)
    settings.STORAGES = {
        **file_storages(environ.Env()),
        "staticfiles": settings.STORAGES["staticfiles"],
    }
    return client


def _keys(client, bucket):
    return [item["Key"] for item in client.list_objects_v2(Bucket=bucket).get("Contents", [])]


def test_an_invoice_pdf_is_written_to_the_private_bucket_and_served_only_to_its_client(
    s3, client, client_contact, order_at_payment, company, manager_user, settings
):
    order = order_at_payment(percent="50")
    invoice = invoice_issue(order=order, kind=Invoice.Kind.PREPAYMENT, by=manager_user)
    url = reverse("billing:document", args=[order.pk, f"invoice-{invoice.pk}"])
    client.force_login(client_contact.user)

    response = client.get(url)

    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF")
    keys = _keys(s3, PRIVATE_BUCKET)
    assert len(keys) == 1
    assert keys[0].startswith("documents/")
    assert s3.get_object(Bucket=PRIVATE_BUCKET, Key=keys[0])["Body"].read() == content
    assert _keys(s3, MEDIA_BUCKET) == []
    assert not Path(settings.PRIVATE_MEDIA_ROOT).exists()  # nothing on the local disk
    # Stored once: a second download reads the same object.
    assert b"".join(client.get(url).streaming_content) == content
    assert len(_keys(s3, PRIVATE_BUCKET)) == 1

    client.logout()
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert "login" in anonymous["Location"]
    client.force_login(ContactFactory().user)  # a contact of another customer
    assert client.get(url).status_code == 404


def test_a_chat_file_goes_to_the_private_bucket_and_back_through_the_chat_view(
    s3, client, client_contact, order_at_payment
):
    order = order_at_payment()
    message = message_post(
        order=order,
        author=client_contact.user,
        body="The plan of the room",
        attachment=SimpleUploadedFile("plan.txt", b"3 x 4 m, door on the left\n"),
    )
    url = reverse("portals_client:order_chat_file", args=[order.pk, message.pk])
    client.force_login(client_contact.user)

    response = client.get(url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"3 x 4 m, door on the left\n"
    assert 'filename="plan.txt"' in response["Content-Disposition"]
    assert _keys(s3, PRIVATE_BUCKET) == [message.attachment.name]
    assert message.attachment.name.startswith("conversations/")
    # Written private: no grant to everyone, and a URL, if one is ever made, is signed.
    grants = s3.get_object_acl(Bucket=PRIVATE_BUCKET, Key=message.attachment.name)["Grants"]
    assert not [g for g in grants if "AllUsers" in g["Grantee"].get("URI", "")]
    signed_url = message.attachment.url
    assert "X-Amz-Signature=" in signed_url
    assert "X-Amz-Expires=300" in signed_url

    client.force_login(ContactFactory().user)
    assert client.get(url).status_code == 404
