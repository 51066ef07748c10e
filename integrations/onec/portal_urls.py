"""The 1C pages of the admin portal, mounted at `/admin-portal/1c/` by `config.urls`."""

from django.urls import path

from integrations.onec import portal_views

app_name = "onec_admin"

urlpatterns = [
    path("", portal_views.profile_list, name="profile_list"),
    path("new/", portal_views.profile_new, name="profile_new"),
    path("<int:pk>/", portal_views.profile_edit, name="profile_edit"),
    path("<int:pk>/activation/", portal_views.profile_activation, name="profile_activation"),
    path("<int:pk>/history/", portal_views.profile_history, name="profile_history"),
    path("<int:pk>/log/", portal_views.exchange_log, name="exchange_log"),
    path(
        "<int:pk>/orders/<int:exchange_pk>/resend/",
        portal_views.order_resend,
        name="order_resend",
    ),
]
