"""Chat messages and feedback in the Django admin: to look things up, never to rewrite
them, since both are records of what a client and the staff said."""

from django.contrib import admin

from conversations.models import Feedback, OrderMessage
from core.admin import ReadOnlyAdmin


@admin.register(OrderMessage)
class OrderMessageAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "order", "author", "is_from_client", "is_internal", "body")
    list_filter = ("is_from_client", "is_internal")
    list_select_related = ("order", "author")
    search_fields = ("order__number", "body")
    date_hierarchy = "created_at"


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "order", "rating", "author", "comment")
    list_filter = ("rating",)
    list_select_related = ("order", "author")
    search_fields = ("order__number", "comment")
    date_hierarchy = "created_at"
