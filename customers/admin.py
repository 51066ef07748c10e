from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from customers.models import Contact, Customer, LedgerEntry
from customers.selectors import customer_list_with_balances
from customers.services import ledger_entry_post


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ("name", "position", "email", "phone", "is_primary", "user")
    autocomplete_fields = ("user",)


class LedgerEntryInline(admin.TabularInline):
    model = LedgerEntry
    extra = 0
    fields = ("created_at", "account", "kind", "amount", "description", "reference", "created_by")
    readonly_fields = fields
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Customer)
class CustomerAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "inn", "email", "phone", "manager", "balance", "bonus_points")
    list_filter = ("kind", "manager")
    search_fields = ("name", "inn", "email", "phone", "external_id", "contacts__name")
    autocomplete_fields = ("manager",)
    inlines = (ContactInline, LedgerEntryInline)
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("kind", "name", "inn", "kpp", "ogrn", "manager", "discount_percent")}),
        (_("Contacts"), {"fields": ("email", "phone", "address")}),
        (_("Integration"), {"fields": ("external_id",)}),
        (_("Notes"), {"fields": ("notes", "created_at", "updated_at")}),
    )

    def get_queryset(self, request):
        return customer_list_with_balances()

    @admin.display(description=_("balance"), ordering="balance")
    def balance(self, obj):
        return obj.balance

    @admin.display(description=_("bonus points"), ordering="bonus_points")
    def bonus_points(self, obj):
        return obj.bonus_points


@admin.register(Contact)
class ContactAdmin(SimpleHistoryAdmin):
    list_display = ("name", "customer", "position", "email", "phone", "is_primary", "user")
    list_filter = ("is_primary",)
    search_fields = ("name", "email", "phone", "customer__name")
    list_select_related = ("customer", "user")
    autocomplete_fields = ("customer", "user")


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    """Entries are added through the ledger service and never changed or deleted."""

    list_display = (
        "created_at",
        "customer",
        "account",
        "kind",
        "amount",
        "reference",
        "created_by",
    )
    list_filter = ("account", "kind", "created_at")
    search_fields = ("customer__name", "reference", "description")
    list_select_related = ("customer", "created_by")
    autocomplete_fields = ("customer",)
    fields = ("customer", "account", "kind", "amount", "description", "reference")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        entry = ledger_entry_post(
            customer=obj.customer,
            amount=obj.amount,
            kind=obj.kind,
            account=obj.account,
            description=obj.description,
            reference=obj.reference,
            by=request.user,
        )
        obj.pk = entry.pk
        obj._state.adding = False
