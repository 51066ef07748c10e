"""Forms of the manager's intake pages: a new customer and a new order taken by phone."""

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import Item
from customers.models import Contact, Customer
from orders.lifecycle import OrderKind, PaymentTerms
from orders.models import Order
from portals.widgets import DatePicker, Select

# The channels a manager enters an order from; the portal and the API enter their own.
INTAKE_CHANNELS = (Order.Channel.PHONE, Order.Channel.EMAIL, Order.Channel.VISIT)


class CustomerNewForm(forms.ModelForm):
    """The customer's own fields; the model's validators check INN, KPP and OGRN."""

    create_anyway = forms.BooleanField(
        label=_("Create anyway: this is not one of the customers listed above"), required=False
    )

    class Meta:
        model = Customer
        fields = ["kind", "name", "inn", "kpp", "ogrn", "address", "notes"]
        widgets = {
            "kind": forms.RadioSelect,
            "address": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }


class ContactNewForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "position", "phone", "email"]
        labels = {"name": _("Full name")}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("name") and not (cleaned.get("phone") or cleaned.get("email")):
            self.add_error("phone", _("Give a phone or an email to reach this person."))
        return cleaned


ContactFormSet = forms.formset_factory(
    ContactNewForm, extra=1, min_num=1, validate_min=True, max_num=20, validate_max=True
)


class OrderNewForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (value, label) for value, label in OrderKind.choices if value != OrderKind.SUPPORT
        ],
        initial=OrderKind.PRODUCT,
    )
    customer = forms.ModelChoiceField(
        label=_("Customer"),
        queryset=Customer.objects.all(),
        widget=forms.HiddenInput,
        error_messages={"required": _("Choose the customer.")},
    )
    contact = forms.ModelChoiceField(
        label=_("Contact"), queryset=Contact.objects.none(), required=False
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[(channel.value, channel.label) for channel in INTAKE_CHANNELS],
        initial=Order.Channel.PHONE,
    )
    delivery_method = forms.ChoiceField(
        label=_("Delivery method"),
        choices=[("", "—"), *Order.DeliveryMethod.choices],
        required=False,
    )
    delivery_address = forms.CharField(
        label=_("Delivery address"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for a courier or a carrier."),
    )
    payment_terms = forms.ChoiceField(
        label=_("Payment terms"),
        choices=[("", _("As the workflow sets them")), *PaymentTerms.choices],
        required=False,
    )
    service_date = forms.DateField(
        label=_("Service date"), required=False, widget=DatePicker(), help_text=_("Service orders.")
    )
    service_place = forms.CharField(
        label=_("Service place"), max_length=255, required=False, help_text=_("Service orders.")
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, customer=None, **kwargs):
        super().__init__(*args, **kwargs)
        if customer is not None:
            self.fields["contact"].queryset = customer.contacts.all()
            self.fields["contact"].empty_label = _("— no contact —")
            self.fields["contact"].label_from_instance = lambda contact: contact.name


class CatalogLineForm(forms.Form):
    item = forms.ModelChoiceField(
        label=_("Catalog item"),
        queryset=Item.objects.filter(is_active=True).order_by("name", "id"),
        required=False,
        empty_label=_("— choose an item —"),
    )
    quantity = forms.DecimalField(
        label=_("Quantity"), max_digits=12, decimal_places=3, min_value=0.001, initial=1
    )

    def has_changed(self):
        # An untouched row (no item, the default quantity) is no line.
        return bool(self.data.get(self.add_prefix("item")))


class FreeLineForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=255)
    quantity = forms.DecimalField(
        label=_("Quantity"), max_digits=12, decimal_places=3, min_value=0.001, initial=1
    )
    unit_price = forms.DecimalField(
        label=_("Unit price"), max_digits=14, decimal_places=2, min_value=0
    )
    vat_rate = forms.TypedChoiceField(
        label=_("VAT rate"),
        choices=Item.VatRate.choices,
        coerce=int,
        initial=Item._meta.get_field("vat_rate").default,
    )

    def has_changed(self):
        return bool(
            self.data.get(self.add_prefix("name")) or self.data.get(self.add_prefix("unit_price"))
        )


CatalogLineFormSet = forms.formset_factory(CatalogLineForm, extra=3, max_num=50, validate_max=True)
FreeLineFormSet = forms.formset_factory(FreeLineForm, extra=2, max_num=50, validate_max=True)


class _OrderNumbers(forms.models.ModelChoiceIterator):
    """The options as (id, number) pairs in one query: a big customer has thousands of
    orders, and an `Order` made for each option cost more than the rest of the page."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.queryset.values_list("pk", "number")


class OrderNumberChoiceField(forms.ModelChoiceField):
    """Orders to choose from, each shown by its number (as `str(order)` reads)."""

    iterator = _OrderNumbers


class OrderDetailsForm(forms.Form):
    """The order's own data, edited on the order page."""

    channel = forms.ChoiceField(label=_("Channel"), choices=Order.Channel.choices)
    delivery_method = forms.ChoiceField(
        label=_("Delivery method"),
        choices=[("", "—"), *Order.DeliveryMethod.choices],
        required=False,
    )
    delivery_address = forms.CharField(
        label=_("Delivery address"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    service_date = forms.DateField(label=_("Service date"), required=False, widget=DatePicker())
    service_place = forms.CharField(label=_("Service place"), max_length=255, required=False)
    related_order = OrderNumberChoiceField(
        label=_("Related order"), queryset=Order.objects.none(), required=False, widget=Select
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, order, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["related_order"].queryset = (
            Order.objects.filter(customer_id=order.customer_id).exclude(pk=order.pk).order_by("-id")
        )
