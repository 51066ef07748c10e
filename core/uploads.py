"""What an uploaded file really is, read from its first bytes: a name can say anything.

Every place that accepts a file from a user asks `upload_sniff` which of the types it
allows the content is, and stores the file under that type's extension.
"""

from dataclasses import dataclass

from PIL import Image


@dataclass(frozen=True)
class FileType:
    label: str
    extension: str
    content_type: str
    magic: bytes
    pillow_format: str = ""  # images are also opened by Pillow, which checks their structure


PDF = FileType("PDF", ".pdf", "application/pdf", b"%PDF-")
JPEG = FileType("JPG", ".jpg", "image/jpeg", b"\xff\xd8\xff", pillow_format="JPEG")
PNG = FileType("PNG", ".png", "image/png", b"\x89PNG\r\n\x1a\n", pillow_format="PNG")
IMAGES = (JPEG, PNG)
DOCUMENTS = (PDF, *IMAGES)


def _is_image_of(upload, file_type: FileType) -> bool:
    try:
        with Image.open(upload) as image:
            found = image.format
            image.verify()
    # Pillow raises many kinds of errors on a damaged or hostile file (OSError,
    # SyntaxError, struct.error, a decompression bomb...): any of them means "not an image".
    except Exception:
        return False
    return found == file_type.pillow_format


def upload_sniff(upload, *, allowed: tuple[FileType, ...]) -> FileType | None:
    """The type among `allowed` that the upload's content is, or None.

    Reads the start of the file (and, for images, lets Pillow check the whole structure);
    leaves the file at its beginning, ready to be saved.
    """
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    found = next((kind for kind in allowed if head.startswith(kind.magic)), None)
    if found is not None and found.pillow_format:
        valid = _is_image_of(upload, found)
        upload.seek(0)
        if not valid:
            return None
    return found
