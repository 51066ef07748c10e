from pathlib import Path

from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from billing.models import CompanyProfile, Document, GatewayNotification, OnlinePayment
from core.admin import ReadOnlyAdmin
from core.uploads import IMAGES, upload_sniff


class CompanyProfileForm(forms.ModelForm):
    class Meta:
        model = CompanyProfile
        fields = "__all__"  # noqa: DJ007 - the admin's form of every field, as before

    def clean_logo(self):
        """A new logo must be a JPG or PNG by its content; it is kept under that extension."""
        logo = self.cleaned_data.get("logo")
        if not isinstance(logo, UploadedFile):
            return logo  # unchanged, or cleared
        file_type = upload_sniff(logo, allowed=IMAGES)
        if file_type is None:
            raise forms.ValidationError(_("Upload a JPG or PNG image."))
        logo.name = f"{Path(logo.name).stem or 'logo'}{file_type.extension}"
        return logo


@admin.register(CompanyProfile)
class CompanyProfileAdmin(admin.ModelAdmin):
    form = CompanyProfileForm
    list_display = ["name", "inn", "bank_name", "updated_at"]

    def has_add_permission(self, request):
        # One set of details: documents print the first row.
        return super().has_add_permission(request) and not CompanyProfile.objects.exists()


@admin.register(OnlinePayment)
class OnlinePaymentAdmin(ReadOnlyAdmin):
    list_display = ["order", "amount", "status", "provider_payment_id", "created_at"]
    list_filter = ["status", "provider"]
    search_fields = ["order__number", "provider_payment_id"]
    list_select_related = ["order"]


@admin.register(GatewayNotification)
class GatewayNotificationAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "event", "provider_payment_id", "outcome", "remote_addr"]
    list_filter = ["outcome", "event"]
    search_fields = ["provider_payment_id"]


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ["order", "kind", "number", "version", "created_at"]
    list_filter = ["kind"]
    search_fields = ["order__number", "number"]
    list_select_related = ["order"]
