from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.selectors import user_choices_with_permission, user_list_with_permission
from orders.carriers import carrier_list_active
from orders.lifecycle import PROCESS_ORDER, DeliveryStatus, OrderKind, State
from orders.models import Carrier, Order
from orders.reports import DEFAULT_PERIOD_DAYS, ReportPeriod
from orders.selectors import order_list_for_user, order_transition_choices_for_user
from portals.widgets import DatePicker


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
    # The manager home's links: each count opens the desk on exactly its orders.
    manager = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    overdue = forms.BooleanField(required=False, widget=forms.HiddenInput)
    unassigned = forms.BooleanField(required=False, widget=forms.HiddenInput)
    quote_waiting = forms.BooleanField(required=False, widget=forms.HiddenInput)
    invoice_overdue = forms.BooleanField(required=False, widget=forms.HiddenInput)
    open = forms.BooleanField(required=False, widget=forms.HiddenInput)


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
        widget=DatePicker(),
    )

    def unbound_html_key(self):
        """Shown filled with the order's delivery as it is: those values make its HTML."""
        return tuple(self.initial.get(name) for name in self.fields)


class ReportPeriodForm(forms.Form):
    """The reports' period: orders created between the dates, both included.

    An empty end is today; an empty start is the default length before the end.
    """

    # The stage reports read every event of the period's orders into memory.
    MAX_DAYS = 3 * 366

    date_from = forms.DateField(label=_("Created from"), required=False, widget=DatePicker())
    date_to = forms.DateField(label=_("Created to"), required=False, widget=DatePicker())

    def __init__(self, *args, today=None, **kwargs):
        self.default_period = ReportPeriod.default(today)
        kwargs.setdefault(
            "initial",
            {
                "date_from": self.default_period.date_from,
                "date_to": self.default_period.date_to,
            },
        )
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        date_to = cleaned.get("date_to") or self.default_period.date_to
        date_from = cleaned.get("date_from") or date_to - timedelta(days=DEFAULT_PERIOD_DAYS)
        if date_from > date_to:
            raise forms.ValidationError(_("The start date is after the end date."))
        if (date_to - date_from).days > self.MAX_DAYS:
            raise forms.ValidationError(_("Choose a period of at most three years."))
        cleaned["period"] = ReportPeriod(date_from=date_from, date_to=date_to)
        return cleaned

    def period(self) -> ReportPeriod:
        """The period asked for, or the default one when the form is empty or invalid."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["period"]
        return self.default_period


# One desk page: a bulk action runs its service calls within one request.
BULK_MAX_ORDERS = 50


def _transitions_requiring_reason() -> set[str]:
    transitions = Order._meta.get_field("state").get_all_transitions(Order)
    return {t.name for t in transitions if t.custom.get("requires_reason")}


class OrderBulkForm(forms.Form):
    """The desk's selected orders and what to do with them; `confirmed` once the user has
    seen the list."""

    ASSIGN = "assign"
    TRANSITION = "transition"

    orders = forms.ModelMultipleChoiceField(
        label=_("Orders"), queryset=Order.objects.none(), widget=forms.MultipleHiddenInput
    )
    action = forms.ChoiceField(
        choices=[(ASSIGN, _("Assign manager")), (TRANSITION, _("Take a step"))]
    )
    manager = forms.ModelChoiceField(label=_("Manager"), queryset=None, required=False)
    transition = forms.ChoiceField(label=_("Step"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False)
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)
    back = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["orders"].queryset = order_list_for_user(user=user).order_by("-id")
        self.fields["manager"].queryset = user_list_with_permission(PROCESS_ORDER)
        self.fields["transition"].choices = [
            ("", "—"),
            *order_transition_choices_for_user(user=user),
        ]
        self.fields["manager"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["transition"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["reason"].widget.attrs["class"] = "form-control form-control-sm"

    @classmethod
    def desk_options(cls, user) -> dict[str, list]:
        """The manager and step options as lists, for the desk that writes the form out itself:
        building the form (its fields copied, two querysets) and its widgets' option
        templates cost more than the table of orders."""
        manager = cls.base_fields["manager"]
        return {
            "manager": [("", manager.empty_label), *user_choices_with_permission(PROCESS_ORDER)],
            "transition": [("", "—"), *order_transition_choices_for_user(user=user)],
        }

    def clean_orders(self):
        orders = self.cleaned_data["orders"]
        if len(orders) > BULK_MAX_ORDERS:
            raise forms.ValidationError(
                _("Select at most %(count)d orders at a time.") % {"count": BULK_MAX_ORDERS}
            )
        return orders

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action == self.ASSIGN and not cleaned.get("manager"):
            self.add_error("manager", _("Choose a manager."))
        if action == self.TRANSITION:
            name = cleaned.get("transition")
            if not name:
                self.add_error("transition", _("Choose a step."))
            elif name in _transitions_requiring_reason() and not cleaned.get("reason", "").strip():
                self.add_error("reason", _("Give a reason."))
        return cleaned

    def description(self) -> str:
        data = self.cleaned_data
        if data["action"] == self.ASSIGN:
            return _("Assign manager: %(manager)s") % {"manager": data["manager"]}
        label = dict(self.fields["transition"].choices)[data["transition"]]
        return _("Take the step: %(step)s") % {"step": label}


class ContractSignedForm(forms.Form):
    prefix = "contract"

    signed_on = forms.DateField(
        label=_("Signed on"),
        required=False,
        widget=DatePicker(attrs={"class": "form-control form-control-sm"}),
    )
    file = forms.FileField(
        label=_("Signed copy (PDF, JPG or PNG)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"class": "form-control form-control-sm"}),
    )


class ShipForm(forms.Form):
    """The "Ship" action: the carrier, its tracking number and the expected date."""

    state = forms.CharField(widget=forms.HiddenInput)
    carrier = forms.ModelChoiceField(
        label=_("Carrier"), queryset=Carrier.objects.none(), required=False, empty_label="—"
    )
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=100, required=False)
    expected_date = forms.DateField(
        label=_("Expected delivery"), required=False, widget=DatePicker()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["carrier"].queryset = carrier_list_active()
        for name, field in self.fields.items():
            if name != "state":
                css = "form-select form-select-sm" if name == "carrier" else "form-control"
                field.widget.attrs.update(
                    {
                        "class": f"{css} form-control-sm",
                        "aria-label": field.label,
                        "placeholder": field.label,
                        "data-testid": f"ship-{name}",
                    }
                )


class DeliveryStatusForm(forms.Form):
    """One click on "My deliveries": the order's new sub-status."""

    status = forms.ChoiceField(choices=DeliveryStatus.choices)
