"""Carriers in the admin portal: the list shipping offers, each with its tracking link.

Who may: the same users as the workflow editor. `orders.carriers` validates and saves.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.form_errors import form_add_errors
from orders.carriers import CARRIER_FIELDS, carrier_list, carrier_save
from orders.errors import OrderError, OrderValidationError
from orders.models import Carrier
from portals.admin.workflows import workflow_admins


class CarrierForm(forms.ModelForm):
    class Meta:
        model = Carrier
        fields = list(CARRIER_FIELDS)
        widgets = {"tracking_url_pattern": forms.URLInput(attrs={"type": "text"})}

    def _post_clean(self):
        # The service validates and saves; the ModelForm must not touch the instance.
        pass


@require_GET
@login_required
@workflow_admins
def carrier_list_page(request):
    return render(request, "portals/admin/carrier_list.html", {"carriers": carrier_list()})


@require_http_methods(["GET", "POST"])
@login_required
@workflow_admins
def carrier_edit(request, pk=None):
    carrier = get_object_or_404(Carrier, pk=pk) if pk else None
    form = CarrierForm(request.POST or None, instance=carrier)
    if request.method == "POST" and form.is_valid():
        try:
            saved = carrier_save(
                carrier=carrier,
                changes={name: form.cleaned_data[name] for name in CARRIER_FIELDS},
                by=request.user,
            )
        except OrderValidationError as error:
            form_add_errors(form, error.errors)
        except OrderError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Carrier “%(name)s” is saved.") % {"name": saved.name})
            return redirect("portals_admin:carrier_list")
    return render(request, "portals/admin/carrier_form.html", {"form": form, "carrier": carrier})
