from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdmin
from integrations.onec.models import (
    CatalogImportJob,
    ExchangeLogEntry,
    IntegrationProfile,
    OrderExchange,
    StatusMapping,
)
from integrations.onec.profile_settings import (
    PROFILE_FIELDS,
    MappingChange,
    profile_save,
    profile_set_active,
)
from integrations.onec.sale_exchange import order_exchange_resend


class StatusMappingInline(admin.TabularInline):
    model = StatusMapping
    extra = 1


class IntegrationProfileForm(forms.ModelForm):
    new_password = forms.CharField(
        label=_("New password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the current one. Stored only as a hash."),
    )

    class Meta:
        model = IntegrationProfile
        fields = (
            "name",
            "login",
            "is_active",
            "schema_version",
            "uses_namespace",
            "encoding",
            "exported_kinds",
            "exported_states",
            "price_type",
            "file_limit",
        )


@admin.register(IntegrationProfile)
class IntegrationProfileAdmin(SimpleHistoryAdmin):
    """Profiles are made with `create_onec_profile` or in the admin portal (they need a
    service user); here they are tuned, through the same services as the portal's pages."""

    form = IntegrationProfileForm
    list_display = ("name", "login", "schema_version", "encoding", "uses_namespace", "is_active")
    readonly_fields = ("service_user", "created_at")
    inlines = [StatusMappingInline]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        current = IntegrationProfile.objects.get(pk=obj.pk)
        values = {name: form.cleaned_data[name] for name in PROFILE_FIELDS}
        try:
            profile_save(
                profile=current,
                values=values,
                password=form.cleaned_data.get("new_password") or "",
                by=request.user,
            )
        except ValidationError as error:
            self._refused(request, error)
            return
        profile_set_active(
            profile=current, is_active=form.cleaned_data["is_active"], by=request.user
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not StatusMapping:
            super().save_formset(request, form, formset, change)
            return
        changes = []
        for row in formset.forms:
            pk = row.instance.pk
            if row in formset.deleted_forms:
                if pk is not None:
                    changes.append(MappingChange(pk=pk, delete=True))
            elif row.has_changed():
                changes.append(
                    MappingChange(
                        pk=pk,
                        onec_status=row.cleaned_data["onec_status"],
                        state=row.cleaned_data["state"],
                    )
                )
        # The admin's change message reads these after a formset's own save; the profile's
        # history holds what changed.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        try:
            profile_save(profile=form.instance, values={}, mappings=changes, by=request.user)
        except ValidationError as error:
            self._refused(request, error)

    def _refused(self, request, error: ValidationError) -> None:
        self.message_user(request, "; ".join(error.messages), messages.ERROR)


@admin.register(ExchangeLogEntry)
class ExchangeLogEntryAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "profile",
        "exchange_type",
        "mode",
        "result",
        "request_size",
        "response_size",
    )
    list_filter = ("profile", "exchange_type", "mode", "result")
    list_select_related = ("profile",)
    date_hierarchy = "created_at"


@admin.register(OrderExchange)
class OrderExchangeAdmin(ReadOnlyAdmin):
    list_display = (
        "order",
        "profile",
        "acknowledged_version",
        "acknowledged_at",
        "held_reason",
        "onec_number",
    )
    list_filter = ("profile",)
    list_select_related = ("order", "profile")
    search_fields = ("order__number", "onec_number")
    actions = ["send_again"]

    def has_change_permission(self, request, obj=None):
        # For the action only: the rows themselves are written by the exchange.
        return request.user.has_perm("onec.change_orderexchange") and obj is None

    @admin.action(description=_("Send to 1C again"), permissions=["change"])
    def send_again(self, request, queryset):
        for exchange in queryset:
            order_exchange_resend(exchange=exchange)
        count = len(queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d order goes to 1C with the next exchange.",
                "%(count)d orders go to 1C with the next exchange.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(CatalogImportJob)
class CatalogImportJobAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "profile", "filename", "status", "finished_at")
    list_filter = ("profile", "status")
    list_select_related = ("profile",)
