from django.views.generic import TemplateView

from core.portals import CLIENT_PORTAL_PERMISSION
from customers.models import LedgerEntry
from customers.selectors import customer_balance, customer_for_user
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
        return context
