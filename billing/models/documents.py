from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from billing.storage import private_documents


class Document(models.Model):
    """A generated PDF of an order, kept as it was sent: a new source makes a new version."""

    class Kind(models.TextChoices):
        QUOTE = "quote", _("Commercial proposal")
        CONTRACT = "contract", _("Contract")
        INVOICE = "invoice", _("Invoice for payment")
        ACT = "act", _("Acceptance act")
        SIGNED = "signed", _("Signed contract (scan)")

    order = models.ForeignKey(
        "orders.Order", verbose_name=_("order"), on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # What the document was made from (quote version, invoice number, ...): one file each.
    source = models.CharField(_("source"), max_length=64)
    number = models.CharField(_("number"), max_length=64)
    version = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to="documents/%Y/%m/", storage=private_documents)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["order", "kind", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "kind", "source"], name="document_one_per_source"
            ),
            models.UniqueConstraint(
                fields=["order", "kind", "version"], name="document_version_unique"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    @property
    def filename(self) -> str:
        extension = Path(self.file.name).suffix.lower() or ".pdf"
        return f"{self.kind}-{self.number}-v{self.version}{extension}"
