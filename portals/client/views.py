from django.views.generic import TemplateView

from catalog.selectors import offer_list_current
from core.portals import CLIENT_PORTAL_PERMISSION
from customers.models import LedgerEntry
from customers.selectors import customer_balance, customer_for_user
from orders.lifecycle import State
from orders.models import RecurringOrder
from orders.selectors import order_list_for_user
from portals.access import PortalAccessMixin


class ClientHomeView(PortalAccessMixin, TemplateView):
    permission_required = CLIENT_PORTAL_PERMISSION
    template_name = "portals/client/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        customer = customer_for_user(user=self.request.user)
        context["customer"] = customer
        if customer is not None:
            context["balance"] = customer_balance(customer=customer)
            context["bonus_points"] = customer_balance(
                customer=customer, account=LedgerEntry.Account.BONUS
            )
            context["order_count"] = order_list_for_user(user=self.request.user).count()
            context["ledger"] = customer.ledger_entries.order_by("-created_at", "-id")[:10]
            context["schedules"] = (
                RecurringOrder.objects.filter(source_order__customer=customer, is_active=True)
                .select_related("source_order")
                .order_by("next_run_at")
            )
            context["services"] = (
                order_list_for_user(user=self.request.user)
                .filter(state=State.SERVICE)
                .order_by("service_date", "id")
            )
            context["offers"] = offer_list_current()[:6]
        return context
