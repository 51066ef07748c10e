from django.contrib import admin

from notifications.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "topic",
        "aggregate_type",
        "aggregate_id",
        "status",
        "attempts",
        "created_at",
    )
    list_filter = ("status", "topic")
    search_fields = ("dedupe_key", "event_id")
    readonly_fields = [field.name for field in OutboxMessage._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
