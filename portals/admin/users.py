"""Users and roles in the admin portal: invite, change roles, deactivate."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import User
from accounts.roles import PERSON_ROLES
from accounts.services import user_active_set, user_invite, user_roles_set
from core.form_errors import form_add_errors
from core.portals import ADMIN_PORTAL_PERMISSION

user_admins = permission_required(
    (ADMIN_PORTAL_PERMISSION, "accounts.change_user"), raise_exception=True
)
PAGE_SIZE = 50


class RolesField(forms.MultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            choices=[(role.value, role.label) for role in PERSON_ROLES],
            widget=forms.CheckboxSelectMultiple,
            required=False,
            **kwargs,
        )


class InviteForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Email"))
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=150)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=150, required=False)
    roles = RolesField(label=gettext_lazy("Roles"))


class RolesForm(forms.Form):
    roles = RolesField(label=gettext_lazy("Roles"))


def _apply_errors(form, error: ValidationError):
    form_add_errors(form, error.message_dict)


@require_GET
@login_required
@user_admins
def user_list(request):
    query = request.GET.get("q", "").strip()
    users = User.objects.prefetch_related(Prefetch("groups")).order_by("-is_active", "username")
    if query:
        users = users.filter(
            Q(username__icontains=query) | Q(email__icontains=query) | Q(last_name__icontains=query)
        )
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "portals/admin/user_list.html", {"page_obj": page, "users": page, "q": query}
    )


@require_http_methods(["GET", "POST"])
@login_required
@user_admins
def user_new(request):
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_invite(**form.cleaned_data, by=request.user, request=request)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request,
                _("%(email)s is invited: a link to set the password is on its way.")
                % {"email": user.email},
            )
            return redirect("portals_admin:user_list")
    return render(request, "portals/admin/user_form.html", {"form": form, "invite": True})


@require_http_methods(["GET", "POST"])
@login_required
@user_admins
def user_edit(request, pk):
    user = get_object_or_404(User, pk=pk)
    current = list(user.groups.values_list("name", flat=True))
    form = RolesForm(request.POST or None, initial={"roles": current})
    if request.method == "POST":
        action = request.POST.get("action", "roles")
        try:
            if action in ("deactivate", "activate"):
                user_active_set(user=user, active=action == "activate", by=request.user)
                messages.success(request, _("Saved."))
                return redirect("portals_admin:user_edit", pk=pk)
            if form.is_valid():
                user_roles_set(user=user, roles=form.cleaned_data["roles"], by=request.user)
                messages.success(request, _("The roles are saved."))
                return redirect("portals_admin:user_edit", pk=pk)
        except ValidationError as error:
            _apply_errors(form, error)
    return render(request, "portals/admin/user_form.html", {"form": form, "subject": user})
