"""The contract as signed by the client: a scan or PDF uploaded by the manager."""

from datetime import datetime
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from billing.models import Document
from orders.errors import OrderValidationError
from orders.models import Order
from orders.services import contract_mark_signed

ALLOWED_EXTENSIONS = {".pdf", ".jpg", ".jpeg", ".png"}
MAX_BYTES = 10 * 1024 * 1024


def signed_contract_attach(*, order: Order, by, upload=None, signed_at: datetime | None = None):
    """Mark the contract signed and keep the signed copy, if one is given, with the order."""
    if upload is not None:
        if Path(upload.name).suffix.lower() not in ALLOWED_EXTENSIONS:
            raise OrderValidationError({"file": [_("Attach a PDF, JPG or PNG file.")]})
        if upload.size > MAX_BYTES:
            raise OrderValidationError({"file": [_("The file is larger than 10 MB.")]})
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
            extension = Path(upload.name).suffix.lower()
            document.file.save(f"signed-{order.number}-v{version}{extension}", upload, save=False)
            document.save()
    return order
