from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField
from simple_history.models import HistoricalRecords

from customers.validators import validate_inn, validate_kpp, validate_ogrn


def phone_search_forms(phone) -> tuple[str, ...]:
    """What a search may type for a phone: +74951234567 or 4951234567 (its digits)."""
    if not phone:
        return ()
    if not phone.is_valid():
        return (str(phone),)
    return (phone.as_e164, str(phone.national_number))


class Customer(models.Model):
    """A buyer: a person or a company. Its money is in the ledger, never in a field."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        PERSON = "person", _("Person")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.COMPANY)
    name = models.CharField(_("name"), max_length=255)
    inn = models.CharField(_("INN"), max_length=12, blank=True, validators=[validate_inn])
    kpp = models.CharField(_("KPP"), max_length=9, blank=True, validators=[validate_kpp])
    ogrn = models.CharField(
        _("OGRN"),
        max_length=15,
        blank=True,
        validators=[validate_ogrn],
        help_text=_("OGRN of a company (13 digits) or OGRNIP of an entrepreneur (15)."),
    )
    email = models.EmailField(_("email"), blank=True)
    phone = PhoneNumberField(_("phone"), blank=True)
    address = models.TextField(_("address"), blank=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned manager"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_customers",
    )
    discount_percent = models.DecimalField(
        _("discount, %"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    external_id = models.CharField(
        _("external ID"),
        max_length=100,
        blank=True,
        help_text=_("Identifier in the accounting system (1C); unique where set."),
    )
    notes = models.TextField(_("notes"), blank=True)
    # Casefolded in Python: SQLite's LIKE folds only ASCII, and names are Cyrillic.
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # Derived and timestamp columns would show in every diff; the history row has its date.
    history = HistoricalRecords(excluded_fields=["search_text", "created_at", "updated_at"])

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="customer_external_id_unique_when_set",
                violation_error_message=_("A customer with this external ID already exists."),
            ),
            models.CheckConstraint(
                condition=Q(discount_percent__gte=0) & Q(discount_percent__lte=100),
                name="customer_discount_percent_range",
            ),
        ]
        indexes = [models.Index(fields=["inn"], name="customer_inn_idx")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        parts = (self.name, self.inn, self.email, *phone_search_forms(self.phone), self.external_id)
        self.search_text = " ".join(part for part in parts if part).casefold()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.kind == self.Kind.PERSON and self.kpp:
            raise ValidationError({"kpp": _("A person has no KPP; leave it empty.")})
        if self.kind == self.Kind.COMPANY and self.inn and len(self.inn) != 10 and self.kpp:
            raise ValidationError({"inn": _("A company with a KPP has a 10-digit INN.")})
        if self.kind == self.Kind.PERSON and len(self.ogrn) == 13:
            raise ValidationError(
                {"ogrn": _("A person has an OGRNIP of 15 digits, not a company's OGRN.")}
            )


class Contact(models.Model):
    """A person at the customer; with a user account they log in to the client portal."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=255)
    position = models.CharField(_("position"), max_length=255, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = PhoneNumberField(_("phone"), blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("portal login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "name", "id"]

    def __str__(self):
        return f"{self.name} ({self.customer})"


class LedgerEntry(models.Model):
    """One movement on a customer's account. Rows are appended, never edited.

    Money and bonus points are two accounts of the same ledger: the balance of each is
    the sum of its entries.
    """

    class Account(models.TextChoices):
        MONEY = "money", _("Money")
        BONUS = "bonus", _("Bonus points")

    class Kind(models.TextChoices):
        PAYMENT = "payment", _("Payment received")
        CHARGE = "charge", _("Charge for an order")
        OVERPAYMENT = "overpayment", _("Overpayment credited")
        REFUND = "refund", _("Refund")
        BONUS_ACCRUAL = "bonus_accrual", _("Bonus points accrued")
        BONUS_REDEMPTION = "bonus_redemption", _("Bonus points redeemed")
        ADJUSTMENT = "adjustment", _("Manual adjustment")

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="ledger_entries",
    )
    account = models.CharField(
        _("account"), max_length=8, choices=Account.choices, default=Account.MONEY
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    amount = models.DecimalField(
        _("amount"),
        max_digits=14,
        decimal_places=2,
        help_text=_("Positive credits the customer, negative debits."),
    )
    description = models.CharField(_("description"), max_length=255, blank=True)
    reference = models.CharField(
        _("reference"),
        max_length=100,
        blank=True,
        help_text=_(
            "What caused the entry (payment reference, order number); unique per kind where set."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "account", "kind", "reference"],
                condition=~Q(reference=""),
                name="ledger_entry_reference_unique_when_set",
            ),
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_entry_amount_not_zero"),
        ]
        indexes = [models.Index(fields=["customer", "account"], name="ledger_customer_account_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValidationError(_("Ledger entries are never edited; post a correcting entry."))
        super().save(*args, **kwargs)
