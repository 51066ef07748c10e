from django.views.generic import ListView, TemplateView

from core.portals import MANAGER_PORTAL_PERMISSION
from customers.selectors import customer_list_with_balances, customer_search
from portals.access import PortalAccessMixin


class ManagerHomeView(PortalAccessMixin, TemplateView):
    permission_required = MANAGER_PORTAL_PERMISSION
    template_name = "portals/manager/home.html"


class CustomerListView(PortalAccessMixin, ListView):
    permission_required = (MANAGER_PORTAL_PERMISSION, "customers.view_customer")
    template_name = "portals/manager/customer_list.html"
    context_object_name = "customers"
    paginate_by = 25

    def get_queryset(self):
        queryset = customer_list_with_balances()
        query = self.request.GET.get("q", "").strip()
        if query:
            queryset = customer_search(queryset, query)
        return queryset.order_by("name", "id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["query"] = self.request.GET.get("q", "").strip()
        return context
