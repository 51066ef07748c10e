from django import forms
from django.utils.translation import gettext_lazy as _

from portals.form_html import SameHtmlUnbound
from tasks.models import TASK_ROLE_CHOICES
from tasks.selectors import task_assignable_users


class DateTimePicker(forms.DateTimeInput):
    """The browser's date and time picker; it sends ISO values whatever the page's language."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class _StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.HiddenInput):
                continue
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs["class"] = css


class TaskForm(_StyledForm):
    """A task by hand. No assignee and no role: the task is the author's own."""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    due_at = forms.DateTimeField(label=_("Due"), widget=DateTimePicker())
    assignee = forms.ModelChoiceField(
        label=_("Assignee"), queryset=task_assignable_users(), required=False
    )
    role = forms.ChoiceField(
        label=_("Or leave it to a role"),
        choices=[("", "—"), *TASK_ROLE_CHOICES],
        required=False,
    )
    order = forms.CharField(
        label=_("Order number"),
        max_length=20,
        required=False,
        help_text=_("Optional: the order the task is about."),
    )

    def __init__(self, *args, orders, **kwargs):
        self.orders = orders
        super().__init__(*args, **kwargs)

    def clean_order(self):
        number = self.cleaned_data["order"].strip()
        if not number:
            return None
        order = self.orders.filter(number=number).first()
        if order is None:
            raise forms.ValidationError(_("No such order."))
        return order

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("assignee") and cleaned.get("role"):
            self.add_error("role", _("Choose either a person or a role."))
        return cleaned


class OrderTaskForm(SameHtmlUnbound, _StyledForm):
    """The order page's quick task: for its author, about this order."""

    prefix = "task"

    title = forms.CharField(label=_("Title"), max_length=200)
    due_at = forms.DateTimeField(label=_("Due"), widget=DateTimePicker())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] += " form-control-sm"


class TaskReassignForm(_StyledForm):
    assignee = forms.ModelChoiceField(
        label=_("Give it to"), queryset=task_assignable_users(), required=False
    )
    role = forms.ChoiceField(
        label=_("Or back to a role"), choices=[("", "—"), *TASK_ROLE_CHOICES], required=False
    )

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("assignee")) == bool(cleaned.get("role")):
            raise forms.ValidationError(_("Choose either a person or a role."))
        return cleaned
