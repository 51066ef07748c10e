from django.views.generic import TemplateView

from core.portals import ADMIN_PORTAL_PERMISSION
from portals.access import PortalAccessMixin


class AdminHomeView(PortalAccessMixin, TemplateView):
    permission_required = ADMIN_PORTAL_PERMISSION
    template_name = "portals/admin/home.html"
