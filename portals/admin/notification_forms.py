from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.roles import STAFF_ROLES
from notifications.builtin_messages import EMAIL, IN_APP
from notifications.models import NotificationRule
from notifications.topics import topic_choices
from orders.models import Workflow


class NotificationRuleForm(forms.Form):
    """Parses the rule's fields; `notifications.rules` validates the templates and saves."""

    topic = forms.ChoiceField(label=_("Event"), choices=topic_choices)
    workflow = forms.ModelChoiceField(
        label=_("Workflow"),
        queryset=Workflow.objects.all(),
        required=False,
        empty_label=_("Every workflow"),
    )
    audience = forms.ChoiceField(label=_("Recipients"), choices=NotificationRule.Audience.choices)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[("", "—"), *((role.value, role.label) for role in STAFF_ROLES)],
        required=False,
        help_text=_("Only for “Everyone with a role”."),
    )
    channels = forms.MultipleChoiceField(
        label=_("Channels"),
        choices=[(EMAIL, _("Email")), (IN_APP, _("In-app notification"))],
        widget=forms.CheckboxSelectMultiple,
    )
    subject_template = forms.CharField(
        label=_("Subject"),
        max_length=255,
        help_text=_("Template syntax, e.g. “Order {{ number }} is {{ state_label }}”."),
    )
    body_template = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Available: {{ number }}, {{ state_label }}, {{ order.total }}, "
            "{{ order.currency }}, {{ order.url }}, {{ customer.name }}, {{ contact.name }}, "
            "{{ manager.name }}, {{ manager.email }}, {{ payload }}, {{ site_url }}."
        ),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    preview_order = forms.CharField(
        label=_("Preview with order number"),
        max_length=20,
        required=False,
        help_text=_("Empty: the latest order."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("audience") == NotificationRule.Audience.ROLE and not cleaned.get("role"):
            self.add_error("role", _("Choose the role whose members receive the message."))
        return cleaned


def rule_initial(rule: NotificationRule) -> dict:
    return {
        "topic": rule.topic,
        "workflow": rule.workflow,
        "audience": rule.audience,
        "role": rule.role,
        "channels": rule.channels,
        "subject_template": rule.subject_template,
        "body_template": rule.body_template,
        "is_active": rule.is_active,
    }


class PreviewOrderForm(forms.Form):
    order = forms.CharField(
        label=_("Order number"),
        max_length=20,
        required=False,
        help_text=_("Empty: the latest order."),
    )
    language = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, *args, languages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = languages
