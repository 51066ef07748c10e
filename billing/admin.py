from django.contrib import admin

from billing.models import CompanyProfile, Document, GatewayNotification, OnlinePayment
from core.admin import ReadOnlyAdmin


@admin.register(CompanyProfile)
class CompanyProfileAdmin(admin.ModelAdmin):
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
