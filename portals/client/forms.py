from django import forms
from django.utils.translation import gettext_lazy as _

from orders.lifecycle import OrderKind, State


class OrderFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"), choices=[("", _("Any state")), *State.choices], required=False
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("Any kind")), *OrderKind.choices], required=False
    )


class QuoteAcceptForm(forms.Form):
    quote = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
