"""API keys of integrations in the admin portal: list, create (the key shows once), revoke."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.roles import SERVICE_ROLES, Role
from api.models import ApiClient, Scope
from api.services import api_client_create, api_client_revoke
from core.form_errors import form_add_errors
from core.portals import ADMIN_PORTAL_PERMISSION

key_viewers = permission_required(
    (ADMIN_PORTAL_PERMISSION, "api.view_apiclient"), raise_exception=True
)
key_creators = permission_required(
    (ADMIN_PORTAL_PERMISSION, "api.add_apiclient"), raise_exception=True
)
key_changers = permission_required(
    (ADMIN_PORTAL_PERMISSION, "api.change_apiclient"), raise_exception=True
)


class RoleGroupsField(forms.ModelMultipleChoiceField):
    """Role groups shown by their translated names, not the group codes."""

    def label_from_instance(self, obj) -> str:
        try:
            return str(Role(obj.name).label)
        except ValueError:
            return obj.name


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Scopes"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("“read” allows GET requests, “write” every other method."),
    )
    groups = RoleGroupsField(
        label=gettext_lazy("Roles"),
        queryset=Group.objects.filter(name__in=[str(role) for role in SERVICE_ROLES]).order_by(
            "name"
        ),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "What the integration may do, as a person with these roles (e.g. integration)."
        ),
    )


@require_GET
@login_required
@key_viewers
def api_key_list(request):
    clients = ApiClient.objects.select_related("user").prefetch_related(
        Prefetch("user__groups", queryset=Group.objects.order_by("name"))
    )
    return render(request, "portals/admin/api_key_list.html", {"clients": clients})


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
@key_creators
def api_key_new(request):
    form = ApiKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            client, key = api_client_create(
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                groups=form.cleaned_data["groups"],
                by=request.user,
            )
        except ValidationError as error:
            form_add_errors(form, error.message_dict)
        else:
            # Rendered into this response only, never stored, logged or put in a message
            # (messages may travel in a cookie); never_cache keeps it out of caches too.
            return render(
                request, "portals/admin/api_key_created.html", {"client": client, "key": key}
            )
    return render(request, "portals/admin/api_key_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@login_required
@key_changers
def api_key_revoke(request, pk):
    client = get_object_or_404(ApiClient.objects.select_related("user"), pk=pk)
    if request.method == "POST" and client.is_active:
        api_client_revoke(client=client)
        messages.success(
            request, _("The key of “%(name)s” is revoked: it no longer works.") % {"name": client}
        )
        return redirect("portals_admin:api_key_list")
    return render(request, "portals/admin/api_key_revoke.html", {"client": client})
