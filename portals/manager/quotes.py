"""The quote builder on the manager's order page: price the draft, then send it."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.form_errors import form_add_errors
from orders.errors import OrderError, OrderValidationError
from orders.models import Quote, QuoteTemplate
from orders.selectors import order_get_for_user
from orders.services import QuotePricing, quote_price_draft, quote_send
from portals.manager.money import money_staff
from portals.order_messages import report_order_error
from portals.widgets import DatePicker

QUOTE_VALID_DAYS = 14


class QuoteBuilderForm(forms.Form):
    prefix = "quote"

    delivery_cost = forms.DecimalField(
        label=gettext_lazy("Delivery"), max_digits=14, decimal_places=2, min_value=0
    )
    service_cost = forms.DecimalField(
        label=gettext_lazy("Assembly and other services"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
    )
    valid_until = forms.DateField(label=gettext_lazy("Valid until"), widget=DatePicker())
    template = forms.ModelChoiceField(
        label=gettext_lazy("Start the note from a template"),
        queryset=QuoteTemplate.objects.filter(is_active=True),
        required=False,
    )
    note = forms.CharField(
        label=gettext_lazy("Note for the client"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, order, quote, **kwargs):
        # Lines not discounted yet start from the customer's standing discount.
        default_discount = order.customer.discount_percent
        initial = {
            "delivery_cost": order.delivery_cost,
            "service_cost": order.service_cost,
            "valid_until": quote.valid_until
            or timezone.localdate() + timedelta(days=QUOTE_VALID_DAYS),
            "note": quote.note,
        }
        for line in order.lines.all():
            initial[f"discount_{line.pk}"] = line.discount_percent or default_discount
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.line_fields = []
        for line in order.lines.all():
            name = f"discount_{line.pk}"
            self.fields[name] = forms.DecimalField(
                label=_("Discount on “%(name)s”, %%") % {"name": line.name},
                max_digits=5,
                decimal_places=2,
                min_value=0,
                max_value=100,
            )
            self.line_fields.append((line, name))
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs["class"] = f"{css} form-control-sm"

    def pricing(self) -> QuotePricing:
        data = self.cleaned_data
        note = data["note"].strip() or (data["template"].body if data["template"] else "")
        return QuotePricing(
            discounts={line.pk: data[name] for line, name in self.line_fields},
            delivery_cost=data["delivery_cost"],
            service_cost=data["service_cost"],
            valid_until=data["valid_until"],
            note=note,
        )


def quote_builder_form(order, quotes, bound=None):
    draft = next((quote for quote in quotes if quote.status == Quote.Status.DRAFT), None)
    if draft is None:
        return None
    return bound or QuoteBuilderForm(order=order, quote=draft)


@require_POST
@login_required
@money_staff
def order_price_quote(request, pk, quote_id):
    order = order_get_for_user(user=request.user, order_id=pk)
    quote = next((q for q in order.quotes.all() if q.pk == quote_id), None)
    if quote is None:
        raise Http404("No such quote")
    form = QuoteBuilderForm(request.POST, order=order, quote=quote)
    error = None
    if form.is_valid():
        try:
            quote = quote_price_draft(quote=quote, pricing=form.pricing(), by=request.user)
            if request.POST.get("send"):
                quote_send(quote=quote, by=request.user)
        except OrderValidationError as validation:
            error = validation
        except OrderError as refused:
            report_order_error(request, refused)
            return redirect("portals_manager:order_page", pk=pk)
        else:
            messages.success(
                request,
                _("The quote was sent to the client.")
                if request.POST.get("send")
                else _("The quote is saved."),
            )
            return redirect("portals_manager:order_page", pk=pk)
    if error is not None:
        form_add_errors(
            form, error.errors, rename=lambda field: field.replace("discounts.", "discount_")
        )
    from portals.manager.orders import order_page_response  # the page imports this module

    return order_page_response(request, order, quote_form=form)
