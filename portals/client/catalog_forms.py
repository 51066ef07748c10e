"""Forms of the client catalog and cart: they parse input; the services decide."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from carts.services import MAX_QUANTITY, MIN_QUANTITY
from catalog.models import Item

SORT_CHOICES = [
    ("", _("Relevance or name")),
    ("name", _("Name")),
    ("price", _("Price: low to high")),
    ("-price", _("Price: high to low")),
    ("newest", _("Newest")),
]


class CatalogFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False, strip=True)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("Products and services")), *Item.Kind.choices],
        required=False,
    )
    price_min = forms.DecimalField(
        label=_("Price from"), min_value=0, max_digits=14, decimal_places=2, required=False
    )
    price_max = forms.DecimalField(
        label=_("Price to"), min_value=0, max_digits=14, decimal_places=2, required=False
    )
    in_stock = forms.BooleanField(label=_("In stock only"), required=False)
    sort = forms.ChoiceField(label=_("Sort"), choices=SORT_CHOICES, required=False)

    def filters(self) -> dict:
        """The valid filters; a bad value is shown as an error and otherwise ignored."""
        self.is_valid()
        return getattr(self, "cleaned_data", {})


ATTRIBUTE_PARAM_PREFIX = "attr-"
# Bounds on what a (hand-made) URL may ask for: each selection is a subquery.
MAX_ATTRIBUTES_SELECTED = 10
MAX_VALUES_SELECTED = 30


def attribute_selection(query) -> dict[str, list[str]]:
    """The attribute filters in a query string: `attr-<code>=<value>`, repeatable.

    Parsed by hand rather than declared on the form: the attributes are data, and a
    catalog page offers those its items have.
    """
    selected: dict[str, list[str]] = {}
    for key in query:
        code = key.removeprefix(ATTRIBUTE_PARAM_PREFIX)
        if code == key or not code or len(selected) >= MAX_ATTRIBUTES_SELECTED:
            continue
        values = list(dict.fromkeys(value.strip() for value in query.getlist(key) if value.strip()))
        if values:
            selected[code[:50]] = values[:MAX_VALUES_SELECTED]
    return selected


class QuantityForm(forms.Form):
    quantity = forms.DecimalField(
        label=_("Quantity"),
        min_value=MIN_QUANTITY,
        max_value=MAX_QUANTITY,
        max_digits=12,
        decimal_places=3,
        initial=Decimal("1"),
        widget=forms.NumberInput(attrs={"step": "any"}),
    )


class CartSubmitForm(forms.Form):
    cart = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Comment for the manager"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
