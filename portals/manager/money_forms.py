import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from orders.lifecycle import State, is_before_payment_stage
from orders.models import Invoice, Payment
from portals.form_html import SameHtmlUnbound
from portals.widgets import DatePicker


class _SmallForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.HiddenInput | forms.CheckboxInput):
                continue
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs["class"] = f"{css} form-control-sm"


class InvoiceForm(SameHtmlUnbound, _SmallForm):
    prefix = "invoice"

    kind = forms.ChoiceField(label=_("Invoice for"), choices=Invoice.Kind.choices)
    amount = forms.DecimalField(
        label=_("Amount"),
        max_digits=14,
        decimal_places=2,
        min_value=0.01,
        required=False,
        help_text=_("Leave empty for the agreed prepayment, or the rest for a final invoice."),
    )
    due_date = forms.DateField(label=_("Pay by"), required=False, widget=DatePicker())


class PaymentForm(_SmallForm):
    prefix = "payment"

    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2, min_value=0.01)
    method = forms.ChoiceField(label=_("Method"), choices=Payment.Method.choices)
    reference = forms.CharField(
        label=_("Bank reference"),
        max_length=100,
        required=False,
        help_text=_("The same reference is recorded once."),
    )
    paid_on = forms.DateField(label=_("Paid on"), required=False, widget=DatePicker())
    invoice = forms.ModelChoiceField(
        label=_("Invoice"), queryset=Invoice.objects.none(), required=False
    )

    def __init__(self, *args, order, **kwargs):
        super().__init__(*args, **kwargs)
        invoice = self.fields["invoice"]
        invoice.queryset = order.invoices.filter(status=Invoice.Status.ISSUED)
        if "invoices" in getattr(order, "_prefetched_objects_cache", {}):
            # The options from the order's invoices already read; a posted choice is still
            # checked against the query above.
            invoice.choices = [
                ("", invoice.empty_label),
                *(
                    (issued.pk, invoice.label_from_instance(issued))
                    for issued in order.invoices.all()
                    if issued.status == Invoice.Status.ISSUED
                ),
            ]
        if is_before_payment_stage(order):
            # Money before the payment stage is kept as an advance: the manager says so.
            self.fields["advance"] = forms.BooleanField(
                label=_("Record as an advance"),
                required=False,
                help_text=_(
                    "The order is at the “%(stage)s” stage, before payment. The money is "
                    "kept as an advance for this order; what it pays beyond the order's "
                    "total so far shows on the customer's balance until the total is set."
                )
                % {"stage": State(order.state).label},
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )

    def unbound_html_key(self):
        """The empty form differs by the invoices it offers and the advance's note."""
        choices = self.fields["invoice"].choices
        if not isinstance(choices, list):
            return None  # not read from the order yet: a query would tell
        advance = self.fields.get("advance")
        return tuple(choices), str(advance.help_text) if advance else None


class RefundForm(SameHtmlUnbound, _SmallForm):
    prefix = "refund"

    payment = forms.IntegerField(widget=forms.HiddenInput)
    # Made when the form is shown and posted back with it: a double click sends one key,
    # and the refund it names is made once.
    idempotence_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2, min_value=0.01)
    reason = forms.CharField(label=_("Reason"), max_length=255)
