"""The signed contract: recorded once, and its copy is a real PDF or image."""

import io
from datetime import UTC, datetime

import pytest
from django.contrib.admin.sites import site
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.test import RequestFactory
from PIL import Image

from billing.admin import CompanyProfileForm
from billing.documents.signed import MAX_BYTES, signed_contract_attach
from billing.models import CompanyProfile, Document
from orders.errors import OrderTransitionError, OrderValidationError
from orders.lifecycle import State
from orders.models import Order, OrderEvent
from orders.services import contract_mark_signed
from tests.factories import UserFactory
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def png_bytes() -> bytes:
    return image_bytes("PNG")


@pytest.fixture
def manager():
    return UserFactory(role="manager")


@pytest.fixture
def at_contract():
    return OrderFactory(state=State.CONTRACT)


def assert_nothing_recorded(order):
    assert Order.objects.get(pk=order.pk).contract_signed_at is None
    assert not Document.objects.filter(order=order).exists()
    assert not OrderEvent.objects.filter(order=order).exists()


def test_a_text_file_named_pdf_is_refused_and_nothing_is_recorded(at_contract, manager):
    with pytest.raises(OrderValidationError) as refused:
        signed_contract_attach(
            order=at_contract, by=manager, upload=SimpleUploadedFile("fake.pdf", b"hello world!")
        )

    assert refused.value.errors == {
        "file": ["The file is not a real PDF, JPG or PNG, whatever its name says."]
    }
    assert_nothing_recorded(at_contract)


def test_another_kind_of_file_is_refused(at_contract, manager):
    with pytest.raises(OrderValidationError) as refused:
        signed_contract_attach(
            order=at_contract, by=manager, upload=SimpleUploadedFile("contract.exe", b"MZ")
        )

    assert refused.value.errors == {"file": ["Attach a PDF, JPG or PNG file."]}
    assert_nothing_recorded(at_contract)


def test_a_file_above_10_mb_is_refused(at_contract, manager):
    upload = SimpleUploadedFile("big.pdf", b"%PDF-1.4" + b"0" * MAX_BYTES)

    with pytest.raises(OrderValidationError) as refused:
        signed_contract_attach(order=at_contract, by=manager, upload=upload)

    assert refused.value.errors == {"file": ["The file is larger than 10 MB."]}
    assert_nothing_recorded(at_contract)


def test_the_copy_is_stored_with_the_extension_of_its_content(at_contract, manager):
    content = png_bytes()

    signed_contract_attach(
        order=at_contract, by=manager, upload=SimpleUploadedFile("scan.pdf", content)
    )

    document = Document.objects.get(order=at_contract, kind=Document.Kind.SIGNED)
    assert document.file.name.endswith(f"signed-{at_contract.number}-v1.png")
    assert document.filename == f"signed-{at_contract.number}-v1.png"
    with document.file.open("rb") as stored:
        assert stored.read() == content


def test_a_contract_is_signed_once(at_contract, manager):
    signed_at = datetime(2026, 11, 20, 9, tzinfo=UTC)
    contract_mark_signed(order=at_contract, by=manager, signed_at=signed_at)
    version = Order.objects.get(pk=at_contract.pk).version

    with pytest.raises(OrderTransitionError) as refused:
        signed_contract_attach(
            order=at_contract,
            by=manager,
            upload=SimpleUploadedFile("scan.pdf", b"%PDF-1.4 again"),
        )

    assert refused.value.messages == [
        "The contract is already marked signed on 20.11.2026; it is signed once."
    ]
    order = Order.objects.get(pk=at_contract.pk)
    assert (order.contract_signed_at, order.version) == (signed_at, version)
    assert OrderEvent.objects.filter(order=order, action="contract_signed").count() == 1
    assert not Document.objects.filter(order=order).exists()


def image_bytes(format_name: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format=format_name)
    return buffer.getvalue()


def test_the_company_logo_must_be_a_real_jpg_or_png(company, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = {k: v for k, v in model_to_dict(company).items() if v is not None and k != "logo"}

    def form(name, content):
        upload = SimpleUploadedFile(name, content)
        return CompanyProfileForm(data=data, files={"logo": upload}, instance=company)

    gif = form("logo.png", image_bytes("GIF"))
    broken = form("logo.png", b"\x89PNG\r\n\x1a\nnot really")
    real = form("logo.gif", image_bytes("PNG"))

    assert gif.errors == {"logo": ["Upload a JPG or PNG image."]}
    assert list(broken.errors) == ["logo"]
    assert real.is_valid(), real.errors
    assert real.cleaned_data["logo"].name == "logo.png"
    company.refresh_from_db()
    assert not company.logo


def test_the_company_admin_uses_the_checked_form():
    admin = site._registry[CompanyProfile]
    request = RequestFactory().get("/")
    request.user = UserFactory(is_superuser=True, is_staff=True)

    assert issubclass(admin.get_form(request), CompanyProfileForm)
