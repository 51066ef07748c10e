from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from customers.validators import (
    validate_account_number,
    validate_bik,
    validate_correspondent_account,
    validate_inn,
    validate_kpp,
    validate_ogrn,
    validate_settlement_account,
)


class CompanyProfile(models.Model):
    """Our own details, printed on every document; one row, edited by the admin."""

    name = models.CharField(_("company name"), max_length=255)
    inn = models.CharField(_("INN"), max_length=12, validators=[validate_inn])
    kpp = models.CharField(_("KPP"), max_length=9, blank=True, validators=[validate_kpp])
    ogrn = models.CharField(_("OGRN"), max_length=15, blank=True, validators=[validate_ogrn])
    address = models.TextField(_("address"))
    phone = PhoneNumberField(_("phone"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    bank_name = models.CharField(_("bank"), max_length=255)
    bik = models.CharField(_("BIK"), max_length=9, validators=[validate_bik])
    bank_account = models.CharField(
        _("settlement account"), max_length=20, validators=[validate_account_number]
    )
    correspondent_account = models.CharField(
        _("correspondent account"), max_length=20, validators=[validate_account_number]
    )
    director = models.CharField(_("director (name for signature)"), max_length=255)
    accountant = models.CharField(_("chief accountant"), max_length=255, blank=True)
    vat_note = models.CharField(
        _("VAT note"),
        max_length=255,
        blank=True,
        help_text=_("Printed under totals, e.g. “VAT is not charged (simplified tax system)”."),
    )
    logo = models.ImageField(_("logo"), upload_to="company/", blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("company details")
        verbose_name_plural = _("company details")

    def __str__(self):
        return self.name

    def clean(self):
        if not self.pk and CompanyProfile.objects.exists():
            raise ValidationError(_("Company details exist already: edit them instead."))
        errors = {}
        for field, validate in (
            ("bank_account", validate_settlement_account),
            ("correspondent_account", validate_correspondent_account),
        ):
            try:
                validate(getattr(self, field), bik=self.bik)
            except ValidationError as error:
                errors[field] = error
        if errors:
            raise ValidationError(errors)

    @classmethod
    def current(cls) -> "CompanyProfile | None":
        return cls.objects.order_by("pk").first()
