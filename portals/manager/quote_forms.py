"""The quote builder's form: discounts per line, delivery and service costs, validity."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orders.models import QuoteTemplate
from orders.services import QuotePricing
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
