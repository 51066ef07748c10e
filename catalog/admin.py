from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from catalog.models import (
    Attribute,
    CatalogImport,
    Category,
    Item,
    ItemAttributeValue,
    OrderFormField,
    SpecialOffer,
)
from core.admin import ReadOnlyAdmin


class ChoicesField(forms.CharField):
    """Edits a list of choices as text, one per line: easier than typing JSON."""

    widget = forms.Textarea(attrs={"rows": 3, "cols": 30})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        text = super().to_python(value)
        return [line.strip() for line in text.splitlines() if line.strip()]


class OrderFormFieldForm(forms.ModelForm):
    choices = ChoicesField(
        label=_("choices"),
        required=False,
        help_text=_("For a choice field: one option per line."),
    )

    class Meta:
        model = OrderFormField
        fields = ("position", "name", "label", "field_type", "choices", "required", "help_text")


class OrderFormFieldInline(admin.TabularInline):
    """Serves both owners: Django picks the foreign key to the parent model."""

    model = OrderFormField
    form = OrderFormFieldForm
    extra = 0


class ItemAttributeValueInline(admin.TabularInline):
    model = ItemAttributeValue
    extra = 0
    autocomplete_fields = ("attribute",)
    verbose_name_plural = _("characteristics")


@admin.register(Attribute)
class AttributeAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "position", "is_filterable")
    list_editable = ("position", "is_filterable")
    search_fields = ("name", "code")


@admin.register(Category)
class CategoryAdmin(TreeAdmin):
    form = movenodeform_factory(Category)
    list_display = ("name", "slug", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (OrderFormFieldInline,)


@admin.register(Item)
class ItemAdmin(SimpleHistoryAdmin):
    list_display = ("sku", "name", "kind", "category", "price", "vat_rate", "is_active", "in_stock")
    list_filter = ("kind", "category", "is_active", "in_stock")
    search_fields = ("sku", "name", "external_id")
    list_select_related = ("category",)
    autocomplete_fields = ("category",)
    inlines = (ItemAttributeValueInline, OrderFormFieldInline)
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("kind", "sku", "name", "category", "description")}),
        (_("Price"), {"fields": ("unit", "price", "vat_rate")}),
        (_("Availability"), {"fields": ("is_active", "in_stock")}),
        (_("Integration"), {"fields": ("external_id", "created_at", "updated_at")}),
    )

    def get_search_results(self, request, queryset, search_term):
        # SQLite's icontains folds only ASCII; search_text is casefolded for Cyrillic names.
        casefolded = queryset
        for word in search_term.casefold().split():
            casefolded = casefolded.filter(search_text__contains=word)
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            queryset |= casefolded
        return queryset, may_have_duplicates


@admin.register(SpecialOffer)
class SpecialOfferAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "code",
        "discount_percent",
        "starts_on",
        "ends_on",
        "category",
        "is_active",
    )
    list_filter = ("is_active",)
    search_fields = ("title", "code")
    list_select_related = ("category",)
    autocomplete_fields = ("category", "items")


@admin.register(CatalogImport)
class CatalogImportAdmin(ReadOnlyAdmin):
    """To see who changed the catalog from which file; uploads are made in the admin portal."""

    list_display = ("file_name", "kind", "uploaded_by", "created_at", "applied_at", "summary")
    list_filter = ("kind", ("applied_at", admin.EmptyFieldListFilter))
    list_select_related = ("uploaded_by",)
    search_fields = ("file_name",)
    date_hierarchy = "created_at"
    # The content may be megabytes; the page lists what the import did instead.
    fields = ("file_name", "kind", "uploaded_by", "created_at", "applied_at", "summary")
