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


class TransitionForm(forms.Form):
    """`state` is the state the page showed: a different current state means the page is stale."""

    state = forms.ChoiceField(choices=State.choices, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False)


class QuoteAcceptForm(forms.Form):
    quote = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
