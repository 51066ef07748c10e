"""An upload is what its content says, whatever its name."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.uploads import DOCUMENTS, IMAGES, JPEG, PDF, PNG, upload_sniff


def image_bytes(format_name: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format=format_name)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("scan.pdf", b"%PDF-1.4\n%%EOF\n", PDF),
        ("scan.png", image_bytes("PNG"), PNG),
        ("photo.jpeg", image_bytes("JPEG"), JPEG),
        # The name does not matter: a PNG called .pdf is a PNG.
        ("scan.pdf", image_bytes("PNG"), PNG),
    ],
)
def test_the_type_is_read_from_the_content(name, content, expected):
    upload = SimpleUploadedFile(name, content)

    assert upload_sniff(upload, allowed=DOCUMENTS) == expected
    assert upload.tell() == 0
    assert upload.read() == content


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("fake.pdf", b"just text!!\n"),
        ("fake.png", b"\x89PNG\r\n\x1a\n" + b"not an image at all"),
        ("fake.jpg", b"\xff\xd8\xff" + b"garbage" * 10),
        ("anim.gif", image_bytes("GIF")),
        ("empty.pdf", b""),
    ],
)
def test_anything_else_is_none(name, content):
    assert upload_sniff(SimpleUploadedFile(name, content), allowed=DOCUMENTS) is None


def test_only_the_allowed_types_are_found():
    assert upload_sniff(SimpleUploadedFile("a.pdf", b"%PDF-1.7 x"), allowed=IMAGES) is None
