"""The catalog's CSV files as django-import-export resources: one per kind of file.

A resource names the columns (their cell format is a widget's), finds the object a row is
about by its key, and tells an unchanged row from a change; the library runs the rows, in
a transaction it rolls back for a dry run. Rows are written through `catalog.services`,
not `Model.save()`, so a row is validated exactly as in the API and the admin; the
library's own model validation stays off, and a cell that cannot be read rejects its row
before the services see it.

Cells are written as Excel with Russian regional settings writes them (a decimal comma,
dates as 2026-12-31) and read leniently (a comma or a point, 31.12.2026 too).
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from catalog.models import Category, Item, OrderFormField, SpecialOffer
from catalog.selectors import attribute_values_prefetch
from catalog.services import (
    category_create,
    category_update,
    item_create,
    item_update,
    order_form_field_upsert,
    special_offer_upsert,
)

NO_VAT = "none"
TRUE_WORDS = {"1", "true", "yes", "да"}
FALSE_WORDS = {"0", "false", "no", "нет"}
# Choices, SKUs and characteristics are lists inside one cell; "|" rarely occurs in them.
LIST_SEPARATOR = "|"
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y")


# Widgets: a cell to a value, raising ValueError with what to write instead, and back.


class DecimalWidget(widgets.DecimalWidget):
    def clean(self, value, row=None, **kwargs):
        # Excel in Russian writes thousands with (narrow) no-break spaces and a decimal comma.
        cleaned = "".join(value.split()).replace("\u202f", "").replace(",", ".")
        try:
            number = Decimal(cleaned)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise ValueError(_("Enter a number, e.g. 1234,50."))
        return number

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else f"{value:.2f}".replace(".", ",")


class IntegerWidget(widgets.IntegerWidget):
    def clean(self, value, row=None, **kwargs):
        try:
            return int(value)
        except ValueError:
            raise ValueError(_("Enter a whole number, e.g. 3.")) from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class BooleanWidget(widgets.BooleanWidget):
    def clean(self, value, row=None, **kwargs):
        word = value.casefold()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValueError(_("Enter 1 or 0."))


class DateWidget(widgets.DateWidget):
    """A calendar day, the first format written on export."""

    def __init__(self):
        super().__init__()
        self.formats = DATE_FORMATS

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except ValueError:
            raise ValueError(_("Enter a date as 2026-12-31 or 31.12.2026.")) from None


class VatRateWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        word = value.casefold().removesuffix("%").strip()
        if word in {NO_VAT, "без ндс", "-1"}:
            return Item.VatRate.NONE
        if word.isdigit():
            return int(word)
        raise ValueError(_("Enter 0, 10, 20, 22 or “none”."))

    def render(self, value, obj=None, **kwargs):
        return NO_VAT if value == Item.VatRate.NONE else str(value)


class ListWidget(widgets.SimpleArrayWidget):
    def __init__(self):
        super().__init__(separator=LIST_SEPARATOR)

    def clean(self, value, row=None, **kwargs):
        return [part.strip() for part in value.split(self.separator) if part.strip()]


class ForeignKeyWidget(widgets.ForeignKeyWidget):
    """An object by its slug or SKU, None for an empty cell; `missing` names an unknown one
    (its placeholder is the field: `%(slug)s`, `%(sku)s`)."""

    def __init__(self, model, field, missing):
        super().__init__(model, field=field)
        self.missing = missing

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(self.missing % {self.field: value}) from None


class ItemsWidget(widgets.ManyToManyWidget):
    """Items by their SKUs ("SOFA-1|TABLE-2"); the library's widget skips unknown SKUs."""

    def __init__(self):
        super().__init__(Item, separator=LIST_SEPARATOR, field="sku")

    def clean(self, value, row=None, **kwargs):
        skus = list(dict.fromkeys(part.strip() for part in value.split(self.separator)))
        skus = [sku for sku in skus if sku]
        items = Item.objects.in_bulk(skus, field_name="sku")
        unknown = [sku for sku in skus if sku not in items]
        if unknown:
            raise ValueError(_("No items with SKUs: %(skus)s.") % {"skus": ", ".join(unknown)})
        return [items[sku] for sku in skus]


class AttributesWidget(widgets.Widget):
    """An item's attribute values: "material=Дуб|width=120 см" (code → value)."""

    def clean(self, value, row=None, **kwargs):
        values: dict[str, str] = {}
        for part in value.split(LIST_SEPARATOR):
            if not part.strip():
                continue
            code, equals, text = part.partition("=")
            code = code.strip()
            if not equals or not code:
                raise ValueError(
                    _("Write each characteristic as code=value, not “%(part)s”.")
                    % {"part": part.strip()}
                )
            if code in values:
                raise ValueError(_("“%(code)s” is given twice.") % {"code": code})
            values[code] = text.strip()
        return values

    def render(self, value, obj=None, **kwargs):
        return LIST_SEPARATOR.join(f"{code}={text}" for code, text in (value or {}).items())


NO_CATEGORY = gettext_lazy("No category with slug “%(slug)s”.")


def category_widget(missing=NO_CATEGORY):
    return ForeignKeyWidget(Category, "slug", missing)


# Columns


class Column(fields.Field):
    """A column of the file, documented on the import page.

    A `virtual` column is not a model field (an item's attributes, a category's parent):
    the library leaves it alone and the resource reads it in `import_instance`.
    """

    def __init__(self, name, help, *, required=False, widget=None, virtual=False):
        super().__init__(
            attribute=None if virtual else name,
            column_name=name,
            widget=widget or widgets.CharWidget(),
        )
        self.name, self.help, self.required, self.virtual = name, help, required, virtual


class CatalogResource(resources.ModelResource):
    """What every kind shares: cells to values, clashes inside a file, writing by services.

    `row_errors` are the errors of each row found while reading the file (a row longer
    than the header); `lines` the file line each row starts on, to name it in messages.
    The library runs one row at a time, so `extras` holds the current row's values that
    are not model fields (virtual and many-to-many columns) from reading it to writing it.
    """

    key_column: str
    clash_message: str

    def __init__(self, *, by=None, lines=(), row_errors=()):
        super().__init__()
        self.by, self.lines, self.row_errors = by, lines, row_errors
        self.first_lines: dict = {}
        self.extras: dict = {}

    @classmethod
    def columns(cls) -> list[Column]:
        return cls().get_export_fields()

    def import_row(self, row, instance_loader, **kwargs):
        # A cell the row does not have (a missing column, a short row) is None: the row
        # leaves that value as it is, so it is no cell at all for the library.
        row = {name: cell for name, cell in row.items() if cell is not None}
        return super().import_row(row, instance_loader, **kwargs)

    def get_instance(self, instance_loader, row):
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            # A key cell naming nothing: `import_instance` reports it for its column.
            return None

    def import_instance(self, instance, row, **kwargs):
        """Set the model fields from the row, and collect what is wrong with it: cells that
        cannot be read, a key an earlier row already had (the file would contradict itself)."""
        line = self.lines[kwargs["row_number"] - 1]
        errors = dict(self.row_errors[kwargs["row_number"] - 1])
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors.update(error.message_dict)
        self.extras = {}
        for field in self.fields.values():
            if (field.virtual or isinstance(field.widget, widgets.ManyToManyWidget)) and (
                field.column_name in row
            ):
                try:
                    self.extras[field.column_name] = field.clean(row)
                except ValueError as error:
                    errors[field.column_name] = [str(error)]
        errors.update(self.check_row(instance, row))
        key = self.clash_key(instance, row)
        if key:
            if key in self.first_lines:
                errors[self.key_column] = [self.clash_message % {"line": self.first_lines[key]}]
            else:
                self.first_lines[key] = line
        errors = {column: messages for column, messages in errors.items() if messages}
        if errors:
            raise ValidationError(errors)

    def check_row(self, instance, row) -> dict[str, list[str]]:
        """Errors of the row as a whole; an empty list withdraws a column's error."""
        return {}

    def clash_key(self, instance, row):
        return row.get(self.key_column)

    def row_key(self, row) -> str:
        """How the import page names the row."""
        return row.get(self.key_column) or ""

    def model_fields(self, row) -> list[str]:
        return [
            field.attribute
            for field in self.fields.values()
            if field.attribute
            and field.column_name in row
            and not isinstance(field.widget, widgets.ManyToManyWidget)
        ]

    def save_instance(self, instance, is_create, row, **kwargs):
        values = {name: getattr(instance, name) for name in self.model_fields(row)}
        try:
            # A savepoint per row: a refused row leaves nothing of itself behind, and the
            # rows after it are still checked, so the preview lists every problem at once.
            with transaction.atomic():
                saved = self.write(instance, is_create, values)
        except IntegrityError:
            raise ValidationError(_("Conflicts with data already stored.")) from None
        instance.pk = saved.pk

    def write(self, instance, is_create: bool, values: dict):
        raise NotImplementedError

    def save_m2m(self, instance, row, **kwargs):
        """The services set the many-to-many values with the rest of the row."""


class ItemResource(CatalogResource):
    sku = Column(
        "sku",
        gettext_lazy("Article (SKU), unique: a row updates the item with it."),
        required=True,
    )
    name = Column("name", gettext_lazy("Name."), required=True)
    kind = Column("kind", gettext_lazy("product or service."))
    category = Column(
        "category",
        gettext_lazy("Slug of the category; empty for none."),
        widget=category_widget(),
    )
    price = Column(
        "price",
        gettext_lazy("Price, not negative: 1234,50 or 1234.50."),
        required=True,
        widget=DecimalWidget(),
    )
    vat_rate = Column(
        "vat_rate",
        gettext_lazy("VAT rate in percent: 0, 10, 20, 22, or “none” for without VAT."),
        widget=VatRateWidget(),
    )
    unit = Column("unit", gettext_lazy("Unit of measure, e.g. шт."))
    in_stock = Column("in_stock", gettext_lazy("In stock: 1 or 0."), widget=BooleanWidget())
    is_active = Column("is_active", gettext_lazy("Can be ordered: 1 or 0."), widget=BooleanWidget())
    external_id = Column(
        "external_id", gettext_lazy("ID in the accounting system; empty for none.")
    )
    description = Column("description", gettext_lazy("Description."))
    attributes = Column(
        "attributes",
        gettext_lazy(
            "Characteristics as code=value separated by |, e.g. material=Дуб|width=120 см; "
            "they replace the item's; the codes are the attributes' identifiers."
        ),
        widget=AttributesWidget(),
        virtual=True,
    )
    key_column = "sku"
    clash_message = gettext_lazy("This SKU is already on line %(line)s.")

    class Meta:
        model = Item
        fields = (
            "sku",
            "name",
            "kind",
            "category",
            "price",
            "vat_rate",
            "unit",
            "in_stock",
            "is_active",
            "external_id",
            "description",
            "attributes",
        )
        import_id_fields = ("sku",)
        skip_unchanged = True
        skip_html_diff = True

    def get_queryset(self):
        return Item.objects.prefetch_related(attribute_values_prefetch())

    def get_export_queryset(self):
        return self.get_queryset().select_related("category").order_by("sku")

    def dehydrate_attributes(self, item):
        return self.fields["attributes"].widget.render(_attributes_of(item))

    def skip_row(self, instance, original, row, import_validation_errors=None):
        attributes = self.extras.get("attributes")
        return super().skip_row(instance, original, row, import_validation_errors) and (
            attributes is None
            # An empty value removes the attribute, so it compares equal to its absence.
            or _attributes_of(instance) == {code: text for code, text in attributes.items() if text}
        )

    def write(self, instance, is_create, values):
        attributes = self.extras.get("attributes")
        if is_create:
            return item_create(fields=values, attributes=attributes, by=self.by)
        return item_update(item=instance, fields=values, attributes=attributes, by=self.by)


def _attributes_of(item: Item) -> dict[str, str]:
    return {entry.attribute.code: entry.value for entry in item.attribute_values.all()}


class CategoryResource(CatalogResource):
    slug = Column(
        "slug",
        gettext_lazy("Slug, unique: a row updates the category with it."),
        required=True,
    )
    name = Column("name", gettext_lazy("Name."), required=True)
    parent = Column(
        "parent",
        gettext_lazy("Slug of the parent category, listed above this row; empty for the top."),
        widget=category_widget(gettext_lazy("No category with slug “%(slug)s” above this row.")),
        virtual=True,
    )
    is_active = Column(
        "is_active", gettext_lazy("Shown to clients: 1 or 0."), widget=BooleanWidget()
    )
    description = Column("description", gettext_lazy("Description."))
    key_column = "slug"
    clash_message = gettext_lazy("This slug is already on line %(line)s.")

    class Meta:
        model = Category
        fields = ("slug", "name", "parent", "is_active", "description")
        import_id_fields = ("slug",)
        skip_unchanged = True
        skip_html_diff = True

    def get_export_queryset(self):
        """Tree order, so each parent comes before its children, as the import needs."""
        return Category.objects.order_by("path")

    def before_export(self, queryset, **kwargs):
        self.slugs_by_path = dict(Category.objects.values_list("path", "slug"))

    def dehydrate_parent(self, category):
        return self.slugs_by_path.get(category.path[: -Category.steplen], "")

    def parent_of(self, instance) -> Category | None:
        """The parent the row asks for: the current one when the file has no such column."""
        if "parent" in self.extras:
            return self.extras["parent"]
        if instance.pk is None or instance.depth <= 1:
            return None
        return Category.objects.get(path=instance.path[: -Category.steplen])

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if not super().skip_row(instance, original, row, import_validation_errors):
            return False
        parent = self.parent_of(instance)
        return (parent.path if parent else "") == instance.path[: -Category.steplen]

    def write(self, instance, is_create, values):
        parent = self.parent_of(instance)
        if is_create:
            return category_create(fields=values, parent=parent, by=self.by)
        return category_update(category=instance, fields=values, parent=parent, by=self.by)


class OrderFormFieldResource(CatalogResource):
    category = Column(
        "category",
        gettext_lazy("Slug of the category the field belongs to; empty when it is an item's."),
        widget=category_widget(),
    )
    item = Column(
        "item",
        gettext_lazy("SKU of the item the field belongs to; empty when it is a category's."),
        widget=ForeignKeyWidget(Item, "sku", gettext_lazy("No item with SKU “%(sku)s”.")),
    )
    name = Column(
        "name",
        gettext_lazy(
            "Identifier, unique per category or item: a row updates the field with it; "
            "lowercase Latin letters, digits and _, e.g. fabric."
        ),
        required=True,
    )
    label = Column("label", gettext_lazy("Label shown to the client."), required=True)
    field_type = Column("field_type", gettext_lazy("text, number, choice or date."))
    choices = Column(
        "choices",
        gettext_lazy("Options of a choice field separated by |, e.g. Велюр|Рогожка."),
        widget=ListWidget(),
    )
    required = Column(
        "required", gettext_lazy("Must be filled in: 1 or 0."), widget=BooleanWidget()
    )
    help_text = Column("help_text", gettext_lazy("Hint shown under the field."))
    position = Column(
        "position", gettext_lazy("Place in the form: 0, 1, 2…"), widget=IntegerWidget()
    )
    key_column = "name"
    clash_message = gettext_lazy("This field is already on line %(line)s.")

    class Meta:
        model = OrderFormField
        fields = (
            "category",
            "item",
            "name",
            "label",
            "field_type",
            "choices",
            "required",
            "help_text",
            "position",
        )
        import_id_fields = ("category", "item", "name")
        skip_unchanged = True
        skip_html_diff = True

    def get_export_queryset(self):
        """Categories' fields first in tree order, then items' by SKU, each in form order."""
        return OrderFormField.objects.select_related("category", "item").order_by(
            F("item__sku").asc(nulls_first=True), "category__path", "position", "name"
        )

    def check_row(self, instance, row):
        """Exactly one owner: a category or an item. Naming both or none is the only error."""
        slug, sku = row.get("category"), row.get("item")
        if slug and sku:
            return {"category": [], "item": [_("Give a category or an item, not both.")]}
        if not slug and not sku:
            return {"category": [_("Give the slug of a category or the SKU of an item.")]}
        return {}

    def clash_key(self, instance, row):
        if bool(instance.category_id) == bool(instance.item_id):
            return None
        return (instance.category_id, instance.item_id, instance.name) if instance.name else None

    def row_key(self, row):
        owner = row.get("category") or row.get("item")
        return "/".join(part for part in (owner, row.get("name")) if part)

    def write(self, instance, is_create, values):
        owner_and_name = ("category", "item", "name")
        form_field, _created = order_form_field_upsert(
            category=instance.category,
            item=instance.item,
            name=instance.name,
            fields={name: value for name, value in values.items() if name not in owner_and_name},
            by=self.by,
        )
        return form_field


class SpecialOfferResource(CatalogResource):
    code = Column(
        "code",
        gettext_lazy(
            "Code, unique: a row updates the offer with it; Latin letters, digits, - and _."
        ),
        required=True,
    )
    title = Column("title", gettext_lazy("Title."), required=True)
    discount_percent = Column(
        "discount_percent",
        gettext_lazy("Discount in percent, over 0 and up to 100: 7,5."),
        required=True,
        widget=DecimalWidget(),
    )
    starts_on = Column(
        "starts_on",
        gettext_lazy("First day: 2026-12-01 or 01.12.2026."),
        required=True,
        widget=DateWidget(),
    )
    ends_on = Column(
        "ends_on",
        gettext_lazy("Last day, written the same way; empty for no end."),
        widget=DateWidget(),
    )
    category = Column(
        "category",
        gettext_lazy(
            "Slug of the category whose items (subcategories included) it covers; empty for none."
        ),
        widget=category_widget(),
    )
    items = Column(
        "items",
        gettext_lazy("SKUs of the items it covers separated by |; they replace the offer's."),
        widget=ItemsWidget(),
    )
    is_active = Column("is_active", gettext_lazy("In effect: 1 or 0."), widget=BooleanWidget())
    description = Column("description", gettext_lazy("Description."))
    key_column = "code"
    clash_message = gettext_lazy("This code is already on line %(line)s.")

    class Meta:
        model = SpecialOffer
        fields = (
            "code",
            "title",
            "discount_percent",
            "starts_on",
            "ends_on",
            "category",
            "items",
            "is_active",
            "description",
        )
        import_id_fields = ("code",)
        skip_unchanged = True
        skip_html_diff = True

    def get_export_queryset(self):
        return (
            SpecialOffer.objects.select_related("category")
            .prefetch_related(Prefetch("items", queryset=Item.objects.only("sku").order_by("sku")))
            .order_by("code")
        )

    def write(self, instance, is_create, values):
        offer, _created = special_offer_upsert(
            code=instance.code,
            fields={name: value for name, value in values.items() if name != "code"},
            items=self.extras.get("items"),
            by=self.by,
        )
        return offer


RESOURCES: dict[str, type[CatalogResource]] = {
    "items": ItemResource,
    "categories": CategoryResource,
    "form_fields": OrderFormFieldResource,
    "offers": SpecialOfferResource,
}
