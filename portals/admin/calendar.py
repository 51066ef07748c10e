"""The business calendar in the admin portal: working hours, weekdays, holidays and
extra working days that workflows with SLAs in business hours count in.

Who may: the same users as the workflow editor. `orders.workflows` validates and saves.
"""

import re
from datetime import date, datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from core.form_errors import form_add_errors
from core.history import EMPTY, history_entries
from orders.errors import OrderError, OrderValidationError
from orders.models import BusinessCalendar
from orders.workflows import business_calendar_save
from portals.admin.workflows import workflow_admins

HISTORY_SHOWN = 20
DATES_HELP = gettext_lazy("One date a line, as YYYY-MM-DD or DD.MM.YYYY.")


class DatesField(forms.CharField):
    """Dates typed one a line (or separated by commas) into a list of ISO strings.

    What is not a date is passed on as typed, so the calendar's validation names it."""

    widget = forms.Textarea(attrs={"rows": 6})

    def __init__(self, **kwargs):
        super().__init__(required=False, help_text=DATES_HELP, **kwargs)

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value) -> list[str]:
        return [_iso(token) for token in re.split(r"[\s,;]+", super().to_python(value)) if token]


def _iso(token: str) -> str:
    try:
        return datetime.strptime(token, "%d.%m.%Y").date().isoformat()  # noqa: DTZ007
    except ValueError:
        pass
    try:
        return date.fromisoformat(token).isoformat()
    except ValueError:
        return token


class BusinessCalendarForm(forms.Form):
    day_start = forms.TimeField(
        label=gettext_lazy("Working day starts"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    day_end = forms.TimeField(
        label=gettext_lazy("Working day ends"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    workdays = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Working weekdays"),
        choices=[(number + 1, name) for number, name in WEEKDAYS.items()],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    holidays = DatesField(label=gettext_lazy("Holidays"))
    extra_workdays = DatesField(label=gettext_lazy("Extra working days"))

    @staticmethod
    def initial_from(calendar: BusinessCalendar) -> dict:
        return {
            "day_start": calendar.day_start,
            "day_end": calendar.day_end,
            "workdays": calendar.workdays,
            "holidays": calendar.holidays,
            "extra_workdays": calendar.extra_workdays,
        }


@require_http_methods(["GET", "POST"])
@login_required
@workflow_admins
def calendar_edit(request):
    calendar = BusinessCalendar.get()
    form = BusinessCalendarForm(
        request.POST or None, initial=BusinessCalendarForm.initial_from(calendar)
    )
    if request.method == "POST" and form.is_valid():
        try:
            business_calendar_save(changes=form.cleaned_data, by=request.user)
        except OrderValidationError as error:
            form_add_errors(form, error.errors)
        except OrderError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The business calendar is saved."))
            return redirect("portals_admin:calendar_edit")
    # The calendar is made with the defaults on first use: its creation is not a change.
    records = list(
        BusinessCalendar.history.exclude(history_type="+").select_related("history_user")[
            : HISTORY_SHOWN + 1
        ]
    )
    return render(
        request,
        "portals/admin/calendar_edit.html",
        {
            "form": form,
            "time_zone": settings.TIME_ZONE,
            "entries": history_entries(
                records[:HISTORY_SHOWN], formatters={"workdays": _weekdays_shown}
            ),
            "more_entries": len(records) > HISTORY_SHOWN,
            "history_shown": HISTORY_SHOWN,
        },
    )


def _weekdays_shown(days) -> str:
    return ", ".join(str(WEEKDAYS[day - 1]) for day in days or ()) or EMPTY
