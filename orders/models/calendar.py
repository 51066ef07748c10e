from datetime import date, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from orders.business_hours import WorkingTime


def default_workdays() -> list[int]:
    return [1, 2, 3, 4, 5]


class BusinessCalendar(models.Model):
    """The company's working time, which stage deadlines may be counted in (one row).

    Dates are stored as ISO strings in JSON lists: a year's public holidays are a dozen
    dates, edited as a list, and need no table of their own.
    """

    SINGLETON_PK = 1

    # A fixed key, not a sequence: a second row is a duplicate key, refused by the database.
    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_PK, editable=False)
    day_start = models.TimeField(_("working day starts"), default=time(9, 0))
    day_end = models.TimeField(_("working day ends"), default=time(18, 0))
    workdays = models.JSONField(
        _("working weekdays"),
        default=default_workdays,
        blank=True,  # `clean` says it better than "This field cannot be blank"
        help_text=_("ISO weekday numbers: 1 is Monday, 7 is Sunday."),
    )
    holidays = models.JSONField(
        _("holidays"),
        default=list,
        blank=True,
        help_text=_("Dates not worked although they fall on a working weekday."),
    )
    extra_workdays = models.JSONField(
        _("extra working days"),
        default=list,
        blank=True,
        help_text=_("Days off that are worked, such as a Saturday a holiday was moved from."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendar")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="business_calendar_singleton"),
        ]

    def __str__(self):
        return str(_("Business calendar"))

    @classmethod
    def get(cls) -> "BusinessCalendar":
        """The calendar, made with the defaults (Mon–Fri 9:00–18:00) on first use."""
        calendar, _created = cls.objects.get_or_create(pk=cls.SINGLETON_PK)
        return calendar

    def clean(self):
        errors = {}
        if self.day_start and self.day_end and self.day_start >= self.day_end:
            errors["day_end"] = _("The working day must end after it starts.")
        if not isinstance(self.workdays, list) or not all(
            isinstance(day, int) and 1 <= day <= 7 for day in self.workdays
        ):
            errors["workdays"] = _("Weekdays are numbers from 1 (Monday) to 7 (Sunday).")
        elif not self.workdays:
            errors["workdays"] = _("Choose at least one working weekday.")
        parsed = {}
        for name in ("holidays", "extra_workdays"):
            parsed[name], bad = _parse_dates(getattr(self, name))
            if bad:
                errors[name] = _("Not dates: %(values)s. Write dates as YYYY-MM-DD.") % {
                    "values": ", ".join(bad)
                }
        both = sorted(parsed["holidays"] & parsed["extra_workdays"])
        if both and "extra_workdays" not in errors:
            errors["extra_workdays"] = _(
                "A day cannot be both a holiday and a working day: %(dates)s."
            ) % {"dates": ", ".join(day.isoformat() for day in both)}
        if errors:
            raise ValidationError(errors)
        for name, dates in parsed.items():
            setattr(self, name, [day.isoformat() for day in sorted(dates)])
        self.workdays = sorted(set(self.workdays))

    def working_time(self) -> WorkingTime:
        return WorkingTime(
            day_start=self.day_start,
            day_end=self.day_end,
            workdays=frozenset(self.workdays),
            holidays=frozenset(_parse_dates(self.holidays)[0]),
            extra_workdays=frozenset(_parse_dates(self.extra_workdays)[0]),
            zone=ZoneInfo(settings.TIME_ZONE),
        )


def _parse_dates(values) -> tuple[set[date], list[str]]:
    """The ISO dates among `values`, and the values that are not one."""
    if not isinstance(values, list):
        return set(), [str(values)]
    dates, bad = set(), []
    for value in values:
        try:
            dates.add(date.fromisoformat(value))
        except (TypeError, ValueError):
            bad.append(str(value))
    return dates, bad
