"""The 1C profiles in the admin portal (`/admin-portal/1c/`): list, create and edit with the
status table, switch off and on, history, and each profile's exchange log with the orders
held back and the catalog imports.

The pages live here rather than in `portals.admin` because the edges do not import each
other (import-linter); they use the admin portal's templates and permission. Who may: users
with `accounts.access_admin_portal` and the 1C permissions of the admin role. Every write
goes through `profile_settings` or `sale_exchange`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from core.form_errors import form_add_errors
from core.history import EMPTY, history_entries
from core.portals import ADMIN_PORTAL_PERMISSION
from integrations.onec.models import IntegrationProfile, OrderExchange, StatusMapping
from integrations.onec.portal_forms import (
    ProfileForm,
    StatusMappingFormSet,
    mapping_changes,
    mapping_initial,
)
from integrations.onec.profile_settings import profile_save, profile_set_active
from integrations.onec.sale_exchange import order_exchange_resend
from integrations.onec.selectors import (
    catalog_job_list,
    log_entry_list,
    order_exchange_list_held,
    profile_list_with_last_exchange,
)
from orders.lifecycle import OrderKind, State

LOG_PAGE_SIZE = 50
JOBS_SHOWN = 20

profile_viewers = permission_required(
    (ADMIN_PORTAL_PERMISSION, "onec.view_integrationprofile"), raise_exception=True
)
profile_creators = permission_required(
    (ADMIN_PORTAL_PERMISSION, "onec.add_integrationprofile"), raise_exception=True
)
profile_changers = permission_required(
    (ADMIN_PORTAL_PERMISSION, "onec.change_integrationprofile"), raise_exception=True
)
order_resenders = permission_required(
    (ADMIN_PORTAL_PERMISSION, "onec.change_orderexchange"), raise_exception=True
)


@require_GET
@login_required
@profile_viewers
def profile_list(request):
    return render(
        request,
        "portals/admin/onec/profile_list.html",
        {"profiles": profile_list_with_last_exchange()},
    )


def _form_page(request, profile: IntegrationProfile | None):
    form = ProfileForm(request.POST or None, instance=profile)
    mappings = StatusMappingFormSet(
        request.POST or None, initial=mapping_initial(profile), prefix="mappings"
    )
    if request.method == "POST" and form.is_valid() and mappings.is_valid():
        mapping_forms, changes = mapping_changes(mappings)
        try:
            saved = profile_save(
                profile=profile,
                values=form.values(),
                password=form.cleaned_data["password"],
                mappings=changes,
                by=request.user,
            )
        except ValidationError as error:
            _add_errors(form, mapping_forms, error.message_dict)
        else:
            messages.success(request, _("Profile “%(name)s” is saved.") % {"name": saved.name})
            return redirect("onec_admin:profile_edit", pk=saved.pk)
    return render(
        request,
        "portals/admin/onec/profile_form.html",
        {"form": form, "mappings": mappings, "profile": profile},
    )


def _add_errors(form, mapping_forms, errors: dict) -> None:
    mapping_errors = {key: value for key, value in errors.items() if key.startswith("mappings.")}
    form_add_errors(form, {k: v for k, v in errors.items() if k not in mapping_errors})
    for key, messages_ in mapping_errors.items():
        _prefix, index, field = key.split(".", 2)
        for message in messages_:
            mapping_forms[int(index)].add_error(field, message)
    if mapping_errors:
        # Shown above the form too, so the reason nothing was saved is not missed.
        form.add_error(None, _("A row of the status table has errors; nothing is saved."))


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
@profile_creators
def profile_new(request):
    return _form_page(request, None)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
@profile_changers
def profile_edit(request, pk):
    return _form_page(request, get_object_or_404(IntegrationProfile, pk=pk))


@require_http_methods(["GET", "POST"])
@login_required
@profile_changers
def profile_activation(request, pk):
    """A confirmation page, then the change: switch off an active profile, on an inactive one."""
    profile = get_object_or_404(IntegrationProfile, pk=pk)
    if request.method == "POST":
        profile = profile_set_active(
            profile=profile, is_active=not profile.is_active, by=request.user
        )
        if profile.is_active:
            messages.success(request, _("The profile is active: 1C may log in again."))
        else:
            messages.success(request, _("The profile is switched off: 1C cannot log in."))
        return redirect("onec_admin:profile_list")
    return render(request, "portals/admin/onec/profile_activation.html", {"profile": profile})


@require_GET
@login_required
@profile_viewers
def profile_history(request, pk):
    profile = get_object_or_404(IntegrationProfile, pk=pk)
    settings_entries = history_entries(
        profile.history.select_related("history_user"),
        formatters={
            "exported_kinds": _labels_shown(OrderKind.choices),
            "exported_states": _labels_shown(State.choices),
        },
    )
    mapping_entries = history_entries(
        StatusMapping.history.filter(profile_id=profile.pk).select_related("history_user"),
        hidden=["profile"],
        subject=lambda record: _("1C status “%(status)s”") % {"status": record.onec_status},
    )
    entries = sorted([*settings_entries, *mapping_entries], key=lambda e: e.when, reverse=True)
    return render(
        request, "portals/admin/onec/profile_history.html", {"profile": profile, "entries": entries}
    )


def _labels_shown(choices):
    labels = dict(choices)

    def shown(values) -> str:
        return ", ".join(str(labels.get(value, value)) for value in values or ()) or EMPTY

    return shown


@require_GET
@login_required
@profile_viewers
def exchange_log(request, pk):
    profile = get_object_or_404(IntegrationProfile, pk=pk)
    page = Paginator(log_entry_list(profile=profile), LOG_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "portals/admin/onec/exchange_log.html",
        {
            "profile": profile,
            "page_obj": page,
            "held": list(order_exchange_list_held(profile=profile)),
            "jobs": list(catalog_job_list(profile=profile)[:JOBS_SHOWN]),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
@order_resenders
def order_resend(request, pk, exchange_pk):
    """A confirmation page, then the order goes with 1C's next query."""
    profile = get_object_or_404(IntegrationProfile, pk=pk)
    exchange = get_object_or_404(
        OrderExchange.objects.select_related("order"), pk=exchange_pk, profile=profile
    )
    if request.method == "POST":
        order_exchange_resend(exchange=exchange)
        messages.success(
            request,
            _("Order %(number)s goes to 1C with the next exchange.")
            % {"number": exchange.order.number},
        )
        return redirect("onec_admin:exchange_log", pk=profile.pk)
    return render(
        request,
        "portals/admin/onec/order_resend.html",
        {"profile": profile, "exchange": exchange},
    )
