"""The quote builder: the draft's lines (quantity, price, discount, removed), lines added
from the catalog or outside it (delivery and assembly are such lines), validity and note.

One `QuoteBuilder` holds the forms of the panel, so the view validates them together and
the page shows each row's errors where the manager typed."""

from datetime import timedelta
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orders.models import QuoteTemplate
from orders.services import LineInput, QuotePricing
from portals.manager.intake_forms import CatalogLineForm, FreeLineForm
from portals.manager.line_rows import catalog_row_options, int_or_none, new_line_inputs
from portals.widgets import DatePicker

QUOTE_VALID_DAYS = 14
SMALL = "form-control form-control-sm"


class QuoteTermsForm(forms.Form):
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


class QuoteLineForm(forms.Form):
    """A line the draft has: its quantity, price and discount, or removed."""

    line = forms.IntegerField(widget=forms.HiddenInput)
    quantity = forms.DecimalField(
        label=gettext_lazy("Quantity"), max_digits=12, decimal_places=3, min_value=Decimal("0.001")
    )
    unit_price = forms.DecimalField(
        label=gettext_lazy("Unit price"), max_digits=14, decimal_places=2, min_value=0
    )
    discount_percent = forms.DecimalField(
        label=gettext_lazy("Discount, %"),
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
    )
    remove = forms.BooleanField(label=gettext_lazy("Remove"), required=False)


QuoteLineFormSet = forms.formset_factory(QuoteLineForm, extra=0, max_num=200, validate_max=True)
NewCatalogLineFormSet = forms.formset_factory(CatalogLineForm, extra=1, max_num=50)
NewFreeLineFormSet = forms.formset_factory(FreeLineForm, extra=2, max_num=50)


def _small(form) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, forms.CheckboxInput | forms.HiddenInput):
            continue
        css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
        field.widget.attrs["class"] = f"{css} form-control-sm"


class QuoteBuilder:
    """The builder's forms for the draft `quote` of `order`, bound to `data` if posted."""

    def __init__(self, data=None, *, order, quote):
        self.order, self.quote = order, quote
        self.existing = list(order.lines.all())
        self.by_id = {line.pk: line for line in self.existing}
        default_discount = order.customer.discount_percent
        self.terms = QuoteTermsForm(
            data,
            prefix="quote",
            initial={
                "valid_until": quote.valid_until
                or timezone.localdate() + timedelta(days=QUOTE_VALID_DAYS),
                "note": quote.note,
            },
        )
        self.lines = QuoteLineFormSet(
            data,
            prefix="qline",
            initial=[
                {
                    "line": line.pk,
                    "quantity": line.quantity,
                    "unit_price": line.unit_price,
                    # Lines not discounted yet start from the customer's standing discount.
                    "discount_percent": line.discount_percent or default_discount,
                }
                for line in self.existing
            ],
        )
        self.catalog_rows = NewCatalogLineFormSet(data, prefix="qcat")
        self.free_rows = NewFreeLineFormSet(data, prefix="qfree", initial=self._extras())
        self.options = catalog_row_options(self.catalog_rows, data)
        for form in [self.terms, *self.lines, *self.catalog_rows, *self.free_rows]:
            _small(form)
        self.places: list = []

    def _extras(self) -> list[dict]:
        """Delivery and service costs of an older draft, offered as the lines they become."""
        extras = [
            (_("Delivery"), self.order.delivery_cost),
            (_("Assembly and other services"), self.order.service_cost),
        ]
        return [{"name": name, "quantity": 1, "unit_price": cost} for name, cost in extras if cost]

    def rows(self):
        """Each line the draft has, with its form: what the template lists."""
        return [
            (form, self.by_id.get(form.initial.get("line") or int_or_none(form["line"].value())))
            for form in self.lines
        ]

    def catalog(self):
        return list(zip(self.catalog_rows.forms, self.options, strict=True))

    def is_valid(self) -> bool:
        checks = [
            self.terms.is_valid(),
            self.lines.is_valid(),
            self.catalog_rows.is_valid(),
            self.free_rows.is_valid(),
            *(form.is_valid() for form in self.options if form is not None),
        ]
        return all(checks)

    def pricing(self) -> QuotePricing:
        """What the manager set, as the service takes it; remembers where each line came
        from, so `line_errors_add` can put a refusal back on its row."""
        lines, places = [], []
        for form in self.lines:
            data = form.cleaned_data
            line = self.by_id.get(data["line"])
            if line is None or data["remove"]:
                continue
            lines.append(
                LineInput(
                    item=line.item,
                    name=line.name if line.item_id is None else "",
                    vat_rate=line.vat_rate if line.item_id is None else None,
                    quantity=data["quantity"],
                    unit_price=data["unit_price"],
                    discount_percent=data["discount_percent"],
                    custom_values=line.custom_values,
                )
            )
            places.append((form, None))
        added, added_places = new_line_inputs(self.catalog_rows, self.options, self.free_rows)
        self.places = places + added_places
        terms = self.terms.cleaned_data
        note = terms["note"].strip() or (terms["template"].body if terms["template"] else "")
        return QuotePricing(lines=lines + added, valid_until=terms["valid_until"], note=note)
