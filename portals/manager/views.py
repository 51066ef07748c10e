from django.views.generic import ListView, TemplateView

from core.portals import MANAGER_PORTAL_PERMISSION
from customers.selectors import (
    customer_changes,
    customer_get_with_balances,
    customer_list_with_balances,
    customer_search,
)
from orders.selectors import order_events_for_customer, order_list_for_user
from portals.access import PortalAccessMixin
from portals.manager.customer_history import customer_history
from portals.manager.reports import user_may_view_reports


class ManagerHomeView(PortalAccessMixin, TemplateView):
    permission_required = MANAGER_PORTAL_PERMISSION
    template_name = "portals/manager/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_view_reports"] = user_may_view_reports(self.request.user)
        return context


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


class CustomerCardView(PortalAccessMixin, TemplateView):
    """Everything about one customer: details, contacts, money, orders and their history."""

    permission_required = (MANAGER_PORTAL_PERMISSION, "customers.view_customer")
    template_name = "portals/manager/customer_card.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        customer = customer_get_with_balances(customer_id=self.kwargs["pk"])
        user = self.request.user
        events = order_events_for_customer(user=user, customer_id=customer.pk)
        context.update(
            customer=customer,
            ledger=customer.ledger_entries.select_related("created_by").order_by("-id")[:20],
            orders=order_list_for_user(user=user).filter(customer=customer).order_by("-id")[:20],
            events=events,
            history=customer_history(user=user, customer_id=customer.pk, events=events),
            changes=customer_changes(customer_id=customer.pk),
        )
        return context
