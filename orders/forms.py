from django import forms
from django.utils.translation import gettext_lazy as _

from orders.lifecycle import State


class TransitionForm(forms.Form):
    """A transition button's form, in every portal and the Django admin.

    `state` is the state the page showed: a different current state means the page is
    stale. Text fields reject NUL characters (Django's default validator), which
    PostgreSQL would refuse with a server error.
    """

    state = forms.ChoiceField(choices=State.choices, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)
