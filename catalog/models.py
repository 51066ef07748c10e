import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node


class Category(MP_Node):
    """A node of the catalog tree; its materialized path makes a subtree one indexed query."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    node_order_by = ["name"]

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["path"]

    def __str__(self):
        return self.name


class Item(models.Model):
    """Something a customer can order: a product or a service."""

    class Kind(models.TextChoices):
        PRODUCT = "product", _("Product")
        SERVICE = "service", _("Service")

    class VatRate(models.IntegerChoices):
        # -1, not NULL: "without VAT" (simplified taxation) is a rate of its own on invoices.
        NONE = -1, _("without VAT")
        ZERO = 0, "0%"
        TEN = 10, "10%"
        TWENTY = 20, "20%"
        TWENTY_TWO = 22, "22%"

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.PRODUCT)
    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
    )
    unit = models.CharField(_("unit"), max_length=16, default="шт")
    price = models.DecimalField(
        _("price"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    # Russia's standard rate is 22% since 1 January 2026.
    vat_rate = models.IntegerField(
        _("VAT rate"), choices=VatRate.choices, default=VatRate.TWENTY_TWO
    )
    is_active = models.BooleanField(_("active"), default=True)
    in_stock = models.BooleanField(_("in stock"), default=True)
    external_id = models.CharField(
        _("external ID"),
        max_length=100,
        blank=True,
        help_text=_("Identifier in the accounting system (1C); unique where set."),
    )
    # Casefolded in Python: SQLite's LIKE folds only ASCII, and names are Cyrillic.
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # Derived and timestamp columns would show in every diff; the history row has its date.
    history = HistoricalRecords(excluded_fields=["search_text", "created_at", "updated_at"])

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="item_external_id_unique_when_set",
                violation_error_message=_("An item with this external ID already exists."),
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="item_price_not_negative"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = " ".join(
            part for part in (self.name, self.sku, self.description) if part
        ).casefold()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)


IDENTIFIER_VALIDATOR = RegexValidator(
    r"^[a-z][a-z0-9_]*\Z",
    _("Use lowercase Latin letters, digits and underscores, starting with a letter."),
)


class OrderFormField(models.Model):
    """A question the customer answers when ordering an item (a sofa's fabric, a table's finish).

    Declared on a category it is inherited by every item below it; declared on an item it
    belongs to that item only. See `catalog.order_forms` for how the two are merged.
    """

    class FieldType(models.TextChoices):
        TEXT = "text", _("Text")
        NUMBER = "number", _("Number")
        CHOICE = "choice", _("Choice")
        DATE = "date", _("Date")

    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="order_form_fields",
    )
    item = models.ForeignKey(
        Item,
        verbose_name=_("item"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="order_form_fields",
    )
    # Used as a key in orders' stored values and in the API, so kept to a plain identifier.
    name = models.SlugField(
        _("identifier"),
        max_length=50,
        validators=[IDENTIFIER_VALIDATOR],
        help_text=_("Key of the value in orders and the API, e.g. fabric."),
    )
    label = models.CharField(_("label"), max_length=200)
    field_type = models.CharField(
        _("type"), max_length=16, choices=FieldType.choices, default=FieldType.TEXT
    )
    choices = models.JSONField(
        _("choices"),
        default=list,
        blank=True,
        help_text=_("The options a choice field offers."),
    )
    required = models.BooleanField(_("required"), default=False)
    help_text = models.CharField(_("help text"), max_length=255, blank=True)
    position = models.PositiveIntegerField(pgettext_lazy("order of things", "position"), default=0)

    class Meta:
        verbose_name = _("order form field")
        verbose_name_plural = _("order form fields")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(category__isnull=False, item__isnull=True)
                    | Q(category__isnull=True, item__isnull=False)
                ),
                name="order_form_field_one_owner",
                violation_error_message=_(
                    "A field belongs to either a category or an item, not both."
                ),
            ),
            models.UniqueConstraint(
                fields=["category", "name"],
                name="order_form_field_category_name_unique",
                violation_error_message=_("This category already has a field with this name."),
            ),
            models.UniqueConstraint(
                fields=["item", "name"],
                name="order_form_field_item_name_unique",
                violation_error_message=_("This item already has a field with this name."),
            ),
        ]

    def __str__(self):
        return self.label

    def clean(self):
        super().clean()
        choices = self.choices
        if not isinstance(choices, list) or not all(
            isinstance(choice, str) and choice.strip() for choice in choices
        ):
            raise ValidationError({"choices": _("Choices are a list of non-empty texts.")})
        if self.field_type == self.FieldType.CHOICE:
            if not choices:
                raise ValidationError({"choices": _("A choice field needs at least one choice.")})
            if len(set(choices)) != len(choices):
                raise ValidationError({"choices": _("Choices must not repeat.")})
        elif choices:
            raise ValidationError({"choices": _("Only a choice field has choices.")})


class Attribute(models.Model):
    """A property items are described and filtered by (material, colour, width).

    A property of its own rather than free text per item, so that the catalog can offer
    one filter per attribute with the values items actually have (1C's "Свойства").
    """

    code = models.CharField(
        _("identifier"),
        max_length=50,
        unique=True,
        validators=[IDENTIFIER_VALIDATOR],
        help_text=_("Key in CSV files and the API, e.g. material."),
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("Shown to clients."))
    position = models.PositiveIntegerField(pgettext_lazy("order of things", "position"), default=0)
    is_filterable = models.BooleanField(
        _("filter in the catalog"),
        default=True,
        help_text=_("Offer clients a filter by this attribute's values."),
    )

    class Meta:
        verbose_name = _("attribute")
        verbose_name_plural = _("attributes")
        ordering = ["position", "name", "id"]

    def __str__(self):
        return self.name


class ItemAttributeValue(models.Model):
    item = models.ForeignKey(
        Item, verbose_name=_("item"), on_delete=models.CASCADE, related_name="attribute_values"
    )
    attribute = models.ForeignKey(
        Attribute, verbose_name=_("attribute"), on_delete=models.PROTECT, related_name="values"
    )
    value = models.CharField(_("value"), max_length=200)

    class Meta:
        verbose_name = _("attribute value")
        verbose_name_plural = _("attribute values")
        ordering = ["attribute__position", "attribute__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "attribute"],
                name="item_attribute_value_unique",
                violation_error_message=_("The item already has a value of this attribute."),
            ),
            models.CheckConstraint(condition=~Q(value=""), name="item_attribute_value_not_empty"),
        ]
        # The catalog filter looks items up by an attribute's value.
        indexes = [models.Index(fields=["attribute", "value"], name="item_attr_value_idx")]

    def __str__(self):
        return f"{self.attribute}: {self.value}"


def offer_code_new() -> str:
    # Random rather than from the id: the code is needed before the row is inserted.
    return f"offer-{secrets.token_hex(4)}"


class SpecialOffer(models.Model):
    """A percent off items for a period: listed items, a category's whole subtree, or both."""

    # Offers have no natural key; CSV files need one to update an offer rather than add it.
    code = models.SlugField(
        _("code"),
        max_length=50,
        unique=True,
        blank=True,
        help_text=_("Key of the offer in CSV files; made up when left empty."),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    discount_percent = models.DecimalField(
        _("discount, %"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(
        _("ends on"), null=True, blank=True, help_text=_("Leave empty for an open-ended offer.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="special_offers",
        help_text=_("Applies to every item of this category and of the categories below it."),
    )
    items = models.ManyToManyField(
        Item, verbose_name=_("items"), blank=True, related_name="special_offers"
    )

    class Meta:
        verbose_name = _("special offer")
        verbose_name_plural = _("special offers")
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(discount_percent__gt=0, discount_percent__lte=100),
                name="special_offer_discount_in_range",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="special_offer_ends_after_start",
                violation_error_message=_("An offer cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.code:
            self.code = offer_code_new()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "code"}
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        # The same rule as the constraint, but named after the field that breaks it.
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("An offer cannot end before it starts.")})


class CatalogImport(models.Model):
    """An uploaded CSV file kept between its preview and its application.

    Kept in the database rather than the session or a worker's memory: the preview and
    the "Apply" request may reach different processes, and the row records who changed
    the catalog from which file.
    """

    class Kind(models.TextChoices):
        ITEMS = "items", _("Items")
        CATEGORIES = "categories", _("Categories")
        FORM_FIELDS = "form_fields", _("Order form fields")
        OFFERS = "offers", _("Special offers")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    file_name = models.CharField(_("file name"), max_length=255)
    content = models.TextField(_("content"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)

    class Meta:
        verbose_name = _("catalog import")
        verbose_name_plural = _("catalog imports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.file_name
