from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import ReadOnlyAdmin
from notifications.dispatch import delivery_retry
from notifications.models import Delivery, Notification, OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
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


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    """Failed deliveries keep their error; "send again" makes them due now."""

    list_display = (
        "id",
        "channel",
        "message_key",
        "address",
        "recipient",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
    )
    list_filter = ("status", "channel", "message_key")
    search_fields = ("address", "recipient__username", "dedupe_key")
    list_select_related = ("recipient",)
    actions = ["send_again"]

    @admin.action(description=_("Send the selected failed deliveries again"))
    def send_again(self, request, queryset):
        failed = list(queryset.filter(status=Delivery.Status.FAILED))
        for delivery in failed:
            delivery_retry(delivery)
        self.message_user(
            request,
            ngettext(
                "%(count)d delivery will be sent again.",
                "%(count)d deliveries will be sent again.",
                len(failed),
            )
            % {"count": len(failed)},
            messages.SUCCESS,
        )

    def has_change_permission(self, request, obj=None):
        # The action needs change permission; the form itself stays read-only.
        return request.user.has_perm("notifications.change_delivery") and obj is None


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("title", "recipient", "created_at", "read_at")
    list_filter = ("read_at",)
    search_fields = ("title", "recipient__username")
    list_select_related = ("recipient",)
