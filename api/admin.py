from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import Group
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from api.models import ApiClient, Scope, WebhookSubscription
from api.services import api_client_create, api_client_revoke, api_client_update


class ApiClientForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("“read” allows GET requests, “write” every other method."),
    )
    groups = forms.ModelMultipleChoiceField(
        label=_("roles"),
        queryset=Group.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("What the client may do, as for a person with these roles (e.g. manager)."),
    )

    class Meta:
        model = ApiClient
        fields = ["name", "scopes", "groups"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["groups"].initial = self.instance.user.groups.all()


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    """Keys are made and changed through the services; the key shows once, on creation."""

    form = ApiClientForm
    list_display = ("name", "key_prefix", "scopes", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "key_prefix")
    readonly_fields = (
        "key_prefix",
        "user",
        "created_at",
        "created_by",
        "last_used_at",
        "revoked_at",
    )
    actions = ["revoke"]

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, never deleted: the audit trail names the service user

    def save_model(self, request, obj, form, change):
        if change:
            api_client_update(
                client=obj,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                groups=form.cleaned_data["groups"],
            )
            return
        client, key = api_client_create(
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            groups=form.cleaned_data["groups"],
            by=request.user,
        )
        obj.pk = client.pk
        request._api_new_key = key

    def save_related(self, request, form, formsets, change):
        pass  # the groups belong to the service user, set by the service

    def response_add(self, request, obj, post_url_continue=None):
        # The key is rendered into this response only: never stored, logged or put in a
        # message (messages may travel in a cookie).
        return TemplateResponse(
            request,
            "admin/api/apiclient/key_created.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "client": obj,
                "key": request._api_new_key,
                "title": _("API key created"),
            },
        )

    @admin.action(description=_("Revoke the selected keys"), permissions=["change"])
    def revoke(self, request, queryset):
        for client in queryset.select_related("user"):
            api_client_revoke(client=client)
        self.message_user(request, _("Keys revoked."), messages.SUCCESS)


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    list_display = ("url", "client", "events", "is_active", "created_at")
    list_filter = ("is_active",)
    list_select_related = ("client",)
    search_fields = ("url", "client__name")
    readonly_fields = ("secret", "created_at")
