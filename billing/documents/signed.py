"""The contract as signed by the client: a scan or PDF uploaded by the manager."""

from datetime import datetime
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from billing.models import Document
from core.uploads import DOCUMENTS, upload_sniff
from orders.errors import OrderValidationError
from orders.models import Order
from orders.services import contract_mark_signed

ALLOWED_EXTENSIONS = {".pdf", ".jpg", ".jpeg", ".png"}
MAX_BYTES = 10 * 1024 * 1024


def _checked_type(upload):
    """The sniffed type of the signed copy; raises `OrderValidationError` on the `file` field."""
    if upload.size > MAX_BYTES:
        raise OrderValidationError({"file": [_("The file is larger than 10 MB.")]})
    file_type = upload_sniff(upload, allowed=DOCUMENTS)
    if file_type is not None:
        return file_type
    if Path(upload.name).suffix.lower() in ALLOWED_EXTENSIONS:
        raise OrderValidationError(
            {"file": [_("The file is not a real PDF, JPG or PNG, whatever its name says.")]}
        )
    raise OrderValidationError({"file": [_("Attach a PDF, JPG or PNG file.")]})


def signed_contract_attach(*, order: Order, by, upload=None, signed_at: datetime | None = None):
    """Mark the contract signed and keep the signed copy, if one is given, with the order.

    The copy must be a PDF, JPEG or PNG by its content (not its name), up to 10 MB; it is
    stored under the extension of the type found. Raises `OrderValidationError` on `file`,
    or what `contract_mark_signed` raises (signed already); then nothing is stored.
    """
    file_type = _checked_type(upload) if upload is not None else None
    with transaction.atomic():
        order = contract_mark_signed(order=order, by=by, signed_at=signed_at)
        if upload is not None:
            version = Document.objects.filter(order=order, kind=Document.Kind.SIGNED).count() + 1
            document = Document(
                order=order,
                kind=Document.Kind.SIGNED,
                source=f"signed:{version}",
                number=order.number,
                version=version,
                created_by=by,
            )
            name = f"signed-{order.number}-v{version}{file_type.extension}"
            document.file.save(name, upload, save=False)
            document.save()
    return order
