"""The admin portal's forms for a 1C profile: its settings and its table of statuses.

They only read input; `profile_settings.profile_save` checks it against the other profiles
and writes it.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from integrations.onec.models import IntegrationProfile, StatusMapping
from integrations.onec.profile_settings import PROFILE_FIELDS, MappingChange
from orders.lifecycle import OrderKind, State


class ProfileForm(forms.ModelForm):
    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    exported_kinds = forms.MultipleChoiceField(
        label=_("Exported order kinds"),
        choices=OrderKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    exported_states = forms.MultipleChoiceField(
        label=_("Exported order states"),
        choices=State.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "A new order goes to 1C in these states; an order 1C already has goes again "
            "after any change, whatever its state."
        ),
    )

    class Meta:
        model = IntegrationProfile
        fields = list(PROFILE_FIELDS)
        widgets = {"encoding": forms.RadioSelect, "schema_version": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        is_new = self.instance.pk is None
        self.fields["password"].required = is_new
        self.fields["password"].help_text = (
            _("1C logs in with it. Stored only as a hash.")
            if is_new
            else _("Leave empty to keep the current password. Stored only as a hash.")
        )
        if is_new:
            self.fields["password"].label = _("Password")
        else:
            self.fields["password"].label = _("New password")

    def _post_clean(self):
        # The service validates and saves; the ModelForm must not touch the instance.
        pass

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in PROFILE_FIELDS}


class StatusMappingForm(forms.Form):
    pk = forms.IntegerField(required=False, widget=forms.HiddenInput)
    onec_status = forms.CharField(
        label=_("Status in 1C"), max_length=100, required=False, strip=True
    )
    state = forms.ChoiceField(
        label=_("State here"), choices=[("", "—"), *State.choices], required=False
    )

    def change(self) -> MappingChange | None:
        """The row as a change for the service; None for an extra row left empty."""
        data = self.cleaned_data
        pk = data.get("pk")
        if data.get("DELETE"):
            return MappingChange(pk=pk, delete=True) if pk else None
        if pk is None and not data.get("onec_status") and not data.get("state"):
            return None
        return MappingChange(pk=pk, onec_status=data["onec_status"], state=data["state"])


StatusMappingFormSet = forms.formset_factory(StatusMappingForm, extra=2, can_delete=True)


def mapping_initial(profile: IntegrationProfile | None) -> list[dict]:
    if profile is None or profile.pk is None:
        return []
    rows = StatusMapping.objects.filter(profile=profile).order_by("onec_status")
    return [{"pk": row.pk, "onec_status": row.onec_status, "state": row.state} for row in rows]


def mapping_changes(formset) -> tuple[list, list[MappingChange]]:
    """The formset as the service's changes, with the form each came from."""
    forms_, changes = [], []
    for form in formset.forms:
        if not form.has_changed():
            continue
        change = form.change()
        if change is not None:
            forms_.append(form)
            changes.append(change)
    return forms_, changes
