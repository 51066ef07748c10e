from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _

from core import views as core_views
from integrations.onec import views as onec_views

admin.site.site_header = _("Order CRM administration")
admin.site.site_title = _("Order CRM")

urlpatterns = [
    path("", core_views.home, name="home"),
    path("health/", core_views.health, name="health"),
    path("accounts/", include("customers.urls")),
    path("accounts/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("api.urls")),
    # 1C is told one URL and calls it with and without the slash, POSTs included.
    re_path(r"^1c_exchange/?$", onec_views.exchange, name="onec-exchange"),
    path("notifications/", include("notifications.urls")),
    path("billing/", include("portals.billing.urls")),
    path("client/", include("portals.client.urls")),
    path("manager/", include("portals.manager.urls")),
    path("admin-portal/", include("portals.admin.urls")),
    # The admin portal's 1C pages: an edge of their own, beside `portals` (import-linter).
    path("admin-portal/1c/", include("integrations.onec.portal_urls")),
    path("django-admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
