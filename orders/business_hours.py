"""Deadlines counted in working hours of a calendar: pure functions, no database.

Arithmetic is done in UTC and only the day's opening and closing are built in the
calendar's zone, so a change of UTC offset between two days never adds or loses an hour.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# A calendar with no working day within this many days is broken; better an error than a hang.
MAX_IDLE_DAYS = 370


class NoWorkingTimeError(ValueError):
    """The calendar has no working day within `MAX_IDLE_DAYS` days of some date."""


@dataclass(frozen=True)
class WorkingTime:
    """When people work: the same hours on every working day, in one time zone."""

    day_start: time
    day_end: time
    workdays: frozenset[int]  # ISO weekdays, 1 = Monday
    zone: ZoneInfo
    holidays: frozenset[date] = frozenset()
    extra_workdays: frozenset[date] = frozenset()  # e.g. a Saturday worked for a moved holiday

    def is_workday(self, day: date) -> bool:
        if day in self.extra_workdays:
            return True
        return day.isoweekday() in self.workdays and day not in self.holidays

    def hours_of(self, day: date) -> tuple[datetime, datetime]:
        """The day's opening and closing, as UTC moments."""
        opening = datetime.combine(day, self.day_start, tzinfo=self.zone)
        closing = datetime.combine(day, self.day_end, tzinfo=self.zone)
        return opening.astimezone(UTC), closing.astimezone(UTC)


def add_business_hours(start: datetime, hours: float, calendar: WorkingTime) -> datetime:
    """The moment `hours` working hours after `start`, in `start`'s zone.

    A start outside working time counts from the next opening. Time that runs out exactly
    at a closing ends there (18:00), not at the next opening. Raises `ValueError` for a
    naive `start` or negative hours, and `NoWorkingTimeError` when the calendar has no
    working day for `MAX_IDLE_DAYS` days in a row.
    """
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValueError("start must be an aware datetime")
    if hours < 0:
        raise ValueError("hours must not be negative")
    remaining = timedelta(hours=hours)
    moment = start.astimezone(UTC)
    day = start.astimezone(calendar.zone).date()
    idle_days = 0
    while idle_days <= MAX_IDLE_DAYS:
        if calendar.is_workday(day):
            opening, closing = calendar.hours_of(day)
            begin = max(opening, moment)
            if begin < closing:
                idle_days = 0
                if remaining <= closing - begin:
                    return (begin + remaining).astimezone(start.tzinfo)
                remaining -= closing - begin
            else:
                idle_days += 1
        else:
            idle_days += 1
        day += timedelta(days=1)
    raise NoWorkingTimeError(f"no working time in the {MAX_IDLE_DAYS} days before {day}")
