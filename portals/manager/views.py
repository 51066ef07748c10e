from django.utils import timezone
from django.views.generic import ListView, TemplateView

from accounts.selectors import user_list_with_permission
from core.portals import MANAGER_PORTAL_PERMISSION
from customers.selectors import (
    customer_changes,
    customer_get_with_balances,
    customer_list_with_balances,
    customer_search,
)
from orders.day_selectors import order_day_by_manager, order_day_summary
from orders.lifecycle import PROCESS_ORDER
from orders.selectors import order_events_for_customer, order_list_for_user
from portals.access import PortalAccessMixin
from portals.manager.customer_history import customer_history
from portals.manager.reports import user_may_view_reports
from tasks.selectors import task_count_due, task_count_overdue_by_assignee

# Who reads the whole team's day on the home page (directors, administrators).
TEAM_VIEW_PERMISSION = "accounts.view_user"


class ManagerHomeView(PortalAccessMixin, TemplateView):
    """What to do now: the user's tasks, then the orders waiting on someone, each count
    linking to the desk filtered to exactly those orders; the whole team's for directors."""

    permission_required = MANAGER_PORTAL_PERMISSION
    template_name = "portals/manager/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        now = timezone.now()
        sees_team = user.has_perm(TEAM_VIEW_PERMISSION)
        context.update(
            may_view_reports=user_may_view_reports(user),
            sees_team=sees_team,
            tasks=task_count_due(user=user, now=now),
            day=order_day_summary(user=user, manager_id=None if sees_team else user.pk, now=now),
            # The desk's filter of "mine": empty for the team.
            scope_query="" if sees_team else f"&manager={user.pk}",
        )
        if sees_team:
            tasks_overdue = task_count_overdue_by_assignee(user=user, now=now)
            context["team"] = [
                (row, tasks_overdue.get(row.manager_id, 0))
                for row in order_day_by_manager(
                    user=user, managers=user_list_with_permission(PROCESS_ORDER), now=now
                )
            ]
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
