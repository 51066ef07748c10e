from django import forms
from django.utils.translation import gettext_lazy as _

from orders.lifecycle import DeliveryStatus, OrderKind, State


class OrderDeskFilterForm(forms.Form):
    VIEW_CHOICES = [
        ("", _("All orders")),
        ("mine", _("My orders")),
        ("new", _("New requests")),
        ("overdue", _("Overdue")),
    ]

    view = forms.ChoiceField(label=_("View"), choices=VIEW_CHOICES, required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    state = forms.MultipleChoiceField(label=_("State"), choices=State.choices, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("Any kind")), *OrderKind.choices], required=False
    )
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class DeliveryForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs["class"] = f"{css} form-control-sm"

    status = forms.ChoiceField(
        label=_("Delivery status"),
        choices=[("", "—"), *DeliveryStatus.choices],
        required=False,
    )
    carrier = forms.CharField(label=_("Carrier"), max_length=100, required=False)
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=100, required=False)
    expected_date = forms.DateField(
        label=_("Expected delivery"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
