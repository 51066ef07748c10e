from django.urls import path

from portals.admin import (
    api_keys,
    calendar,
    carriers,
    catalog,
    notifications,
    users,
    views,
    workflows,
)

app_name = "portals_admin"

urlpatterns = [
    path("", views.AdminHomeView.as_view(), name="home"),
    path("users/", users.user_list, name="user_list"),
    path("users/invite/", users.user_new, name="user_new"),
    path("users/<int:pk>/", users.user_edit, name="user_edit"),
    path("catalog/", catalog.catalog_csv, name="catalog_csv"),
    path("catalog/export/<slug:kind>.csv", catalog.catalog_export, name="catalog_export"),
    path(
        "catalog/imports/<int:pk>/",
        catalog.catalog_import_preview_page,
        name="catalog_import_preview",
    ),
    path(
        "catalog/imports/<int:pk>/apply/",
        catalog.catalog_import_apply_view,
        name="catalog_import_apply",
    ),
    path("api-keys/", api_keys.api_key_list, name="api_key_list"),
    path("api-keys/new/", api_keys.api_key_new, name="api_key_new"),
    path("api-keys/<int:pk>/revoke/", api_keys.api_key_revoke, name="api_key_revoke"),
    path("workflows/", workflows.workflow_list, name="workflow_list"),
    path("workflows/new/", workflows.workflow_edit, name="workflow_new"),
    path("workflows/<int:pk>/", workflows.workflow_edit, name="workflow_edit"),
    path("workflows/<int:pk>/history/", workflows.workflow_history, name="workflow_history"),
    path("calendar/", calendar.calendar_edit, name="calendar_edit"),
    path("carriers/", carriers.carrier_list_page, name="carrier_list"),
    path("carriers/new/", carriers.carrier_edit, name="carrier_new"),
    path("carriers/<int:pk>/", carriers.carrier_edit, name="carrier_edit"),
    path("notifications/", notifications.rule_list, name="notification_rule_list"),
    path("notifications/new/", notifications.rule_new, name="notification_rule_new"),
    path("notifications/<int:pk>/", notifications.rule_edit, name="notification_rule_edit"),
    path(
        "notifications/<int:pk>/preview/",
        notifications.rule_preview_page,
        name="notification_rule_preview",
    ),
    path(
        "notifications/<int:pk>/deactivate/",
        notifications.rule_deactivate,
        name="notification_rule_deactivate",
    ),
    path(
        "notifications/<int:pk>/history/",
        notifications.rule_history,
        name="notification_rule_history",
    ),
]
