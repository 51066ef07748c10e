"""Repeating a past order: once, now, or on a schedule (companies only)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from orders.errors import OrderError
from orders.models import RecurringOrder
from orders.selectors import order_get_for_user
from orders.services import order_repeat, recurring_order_create, recurring_order_stop
from portals.client.orders import clients_only, may_schedule
from portals.error_messages import report_order_error


class RecurringForm(forms.Form):
    period = forms.ChoiceField(label=gettext_lazy("Repeat"), choices=RecurringOrder.Period.choices)


# Who may (all three): the order's own client users; others get 404 from order_get_for_user.
@require_POST
@login_required
@clients_only
def order_repeat_now(request, pk):
    order = order_get_for_user(user=request.user, order_id=pk)
    try:
        repeated = order_repeat(order=order, by=request.user)
    except OrderError as error:
        report_order_error(request, error)
        return redirect("portals_client:order_page", pk=pk)
    messages.success(
        request,
        _(
            "Order %(number)s is placed with the same items at today's prices and offers. "
            "Your manager will confirm it."
        )
        % {"number": repeated.number},
    )
    return redirect("portals_client:order_page", pk=repeated.pk)


@require_POST
@login_required
@clients_only
def order_schedule(request, pk):
    order = order_get_for_user(user=request.user, order_id=pk)
    form = RecurringForm(request.POST)
    if not may_schedule(order) or not form.is_valid():
        messages.error(request, _("Choose how often to repeat the order."))
        return redirect("portals_client:order_page", pk=pk)
    try:
        schedule = recurring_order_create(
            order=order, period=form.cleaned_data["period"], by=request.user
        )
    except OrderError as error:
        report_order_error(request, error)
    else:
        messages.success(
            request,
            _("The order will be repeated %(period)s; the next one on %(date)s.")
            % {
                "period": schedule.get_period_display().lower(),
                "date": timezone.localtime(schedule.next_run_at).strftime("%d.%m.%Y"),
            },
        )
    return redirect("portals_client:order_page", pk=pk)


@require_POST
@login_required
@clients_only
def schedule_stop(request, schedule_id):
    schedule = RecurringOrder.objects.select_related("source_order").filter(pk=schedule_id).first()
    if schedule is None or not schedule.source_order.belongs_to_client_user(request.user):
        raise Http404("No such schedule")
    try:
        recurring_order_stop(schedule=schedule, by=request.user)
    except OrderError as error:
        report_order_error(request, error)
    else:
        messages.success(request, _("The repeat is stopped. Orders already placed stay."))
    return redirect("portals_client:home")
