"""Deadlines in working hours: the pure function, then the calendar the admin configures."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from orders.business_hours import MAX_IDLE_DAYS, NoWorkingTimeError, WorkingTime, add_business_hours
from orders.models import BusinessCalendar

MOSCOW = ZoneInfo("Europe/Moscow")
BERLIN = ZoneInfo("Europe/Berlin")


def _calendar(**overrides) -> WorkingTime:
    values = {
        "day_start": time(9, 0),
        "day_end": time(18, 0),
        "workdays": frozenset({1, 2, 3, 4, 5}),
        "zone": MOSCOW,
        **overrides,
    }
    return WorkingTime(**values)


def _msk(*args) -> datetime:
    return datetime(*args, tzinfo=MOSCOW)


# 2025-03-03 is a Monday; 2025-03-07 a Friday.
@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        pytest.param(_msk(2025, 3, 3, 10), 3, _msk(2025, 3, 3, 13), id="within-a-day"),
        pytest.param(_msk(2025, 3, 7, 17), 4, _msk(2025, 3, 10, 12), id="friday-evening-to-monday"),
        pytest.param(_msk(2025, 3, 3, 7, 30), 2, _msk(2025, 3, 3, 11), id="before-opening"),
        pytest.param(_msk(2025, 3, 3, 20), 1, _msk(2025, 3, 4, 10), id="after-closing"),
        pytest.param(_msk(2025, 3, 8, 12), 1, _msk(2025, 3, 10, 10), id="on-a-saturday"),
        pytest.param(_msk(2025, 3, 3, 14), 4, _msk(2025, 3, 3, 18), id="ends-exactly-at-closing"),
        pytest.param(_msk(2025, 3, 3, 18), 1, _msk(2025, 3, 4, 10), id="starts-exactly-at-closing"),
        pytest.param(_msk(2025, 3, 3, 9), 9, _msk(2025, 3, 3, 18), id="a-whole-day"),
        pytest.param(_msk(2025, 3, 3, 9), 20, _msk(2025, 3, 5, 11), id="over-two-nights"),
        pytest.param(_msk(2025, 3, 3, 17, 30), 1.5, _msk(2025, 3, 4, 10), id="fractional-hours"),
        pytest.param(_msk(2025, 3, 3, 11), 0, _msk(2025, 3, 3, 11), id="zero-in-working-time"),
        pytest.param(_msk(2025, 3, 8, 11), 0, _msk(2025, 3, 10, 9), id="zero-on-a-day-off"),
        pytest.param(_msk(2025, 3, 7, 9), 50, _msk(2025, 3, 14, 14), id="over-a-weekend-and-week"),
    ],
)
def test_working_hours_are_counted_on_working_days_only(start, hours, due):
    assert add_business_hours(start, hours, _calendar()) == due


def test_a_holiday_is_skipped():
    # Russia, 2025: 3 and 4 November are days off.
    calendar = _calendar(holidays=frozenset({date(2025, 11, 3), date(2025, 11, 4)}))

    due = add_business_hours(_msk(2025, 10, 31, 17), 4, calendar)

    assert due == _msk(2025, 11, 5, 12)


def test_an_extra_working_saturday_is_worked():
    # Russia, 2025: Saturday 1 November is worked for the moved Monday 3 November.
    calendar = _calendar(
        holidays=frozenset({date(2025, 11, 3), date(2025, 11, 4)}),
        extra_workdays=frozenset({date(2025, 11, 1)}),
    )

    due = add_business_hours(_msk(2025, 10, 31, 17), 4, calendar)

    assert due == _msk(2025, 11, 1, 12)
    assert add_business_hours(_msk(2025, 11, 1, 17), 2, calendar) == _msk(2025, 11, 5, 10)


def test_the_answer_is_in_the_zone_of_the_start():
    start = datetime(2025, 3, 7, 14, 0, tzinfo=UTC)  # Friday 17:00 in Moscow

    due = add_business_hours(start, 4, _calendar())

    assert due == datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
    assert due.tzinfo is UTC


def test_a_change_of_utc_offset_over_the_weekend_keeps_the_wall_clock():
    # Berlin moved to summer time on Sunday 30 March 2025.
    calendar = _calendar(zone=BERLIN)

    due = add_business_hours(datetime(2025, 3, 28, 17, tzinfo=BERLIN), 4, calendar)

    assert due == datetime(2025, 3, 31, 12, tzinfo=BERLIN)
    assert due.astimezone(UTC) == datetime(2025, 3, 31, 10, tzinfo=UTC)


def test_a_working_night_across_the_clock_change_counts_the_hours_really_worked():
    # 00:00-06:00 on 30 March 2025 in Berlin lasts five hours: 02:00 does not exist.
    calendar = _calendar(
        day_start=time(0, 0), day_end=time(6, 0), workdays=frozenset({7}), zone=BERLIN
    )

    due = add_business_hours(datetime(2025, 3, 30, 0, tzinfo=BERLIN), 5, calendar)

    assert due == datetime(2025, 3, 30, 6, tzinfo=BERLIN)


def test_a_long_deadline_runs_over_years():
    start = _msk(2025, 3, 3, 9)  # a 45-hour week: 8760 h are 194 weeks and 30 hours

    due = add_business_hours(start, 24 * 365, _calendar())

    assert due == start + timedelta(weeks=194, days=3, hours=3)


def test_a_calendar_without_working_time_is_refused_not_looped_over():
    every_saturday = frozenset(date(2025, 1, 4) + timedelta(weeks=n) for n in range(60))
    no_work = _calendar(workdays=frozenset({6}), holidays=every_saturday)

    with pytest.raises(NoWorkingTimeError):
        add_business_hours(_msk(2025, 1, 1, 10), 1, no_work)
    with pytest.raises(NoWorkingTimeError):
        add_business_hours(_msk(2025, 1, 1, 10), 1, _calendar(workdays=frozenset()))


def test_a_break_shorter_than_the_limit_is_waited_out():
    days_off = frozenset(date(2025, 1, 1) + timedelta(days=n) for n in range(MAX_IDLE_DAYS - 1))

    due = add_business_hours(_msk(2025, 1, 1, 10), 1, _calendar(holidays=days_off))

    assert due.date() > date(2025, 12, 31)


@pytest.mark.parametrize(
    ("start", "hours"),
    [(datetime(2025, 3, 3, 10), 1), (_msk(2025, 3, 3, 10), -1)],  # noqa: DTZ001
    ids=["naive-start", "negative-hours"],
)
def test_bad_arguments_are_refused(start, hours):
    with pytest.raises(ValueError, match="must"):
        add_business_hours(start, hours, _calendar())


# The calendar the administrator configures


@pytest.mark.django_db
def test_the_calendar_is_made_with_the_defaults_on_first_use(django_assert_num_queries):
    first = BusinessCalendar.get()
    with django_assert_num_queries(1):
        again = BusinessCalendar.get()

    assert BusinessCalendar.objects.count() == 1
    assert again.pk == first.pk
    assert (first.day_start, first.day_end, first.workdays) == (time(9), time(18), [1, 2, 3, 4, 5])
    assert (first.holidays, first.extra_workdays) == ([], [])
    working = first.working_time()
    assert working.zone == MOSCOW
    assert add_business_hours(_msk(2025, 3, 7, 17), 4, working) == _msk(2025, 3, 10, 12)


@pytest.mark.django_db
def test_there_is_never_a_second_calendar():
    BusinessCalendar.get()
    second = BusinessCalendar(day_start=time(10))

    with pytest.raises(ValidationError) as refused:
        second.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()

    assert "id" in refused.value.message_dict
    assert list(BusinessCalendar.objects.values_list("pk", "day_start")) == [(1, time(9))]


@pytest.mark.django_db  # the one-row constraint is checked against the database
@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"day_start": time(18), "day_end": time(9)}, "day_end", "must end after it starts"),
        ({"day_start": time(9), "day_end": time(9)}, "day_end", "must end after it starts"),
        ({"workdays": []}, "workdays", "at least one working weekday"),
        ({"workdays": [1, 8]}, "workdays", "numbers from 1 (Monday) to 7"),
        ({"holidays": ["2025-01-01", "2025-13-01", "soon"]}, "holidays", "2025-13-01, soon"),
        ({"extra_workdays": "2025-11-01"}, "extra_workdays", "Not dates"),
        (
            {"holidays": ["2025-11-01"], "extra_workdays": ["2025-11-01"]},
            "extra_workdays",
            "both a holiday and a working day: 2025-11-01",
        ),
    ],
)
def test_a_bad_calendar_is_refused_on_the_field_at_fault(values, field, message):
    calendar = BusinessCalendar(**values)

    with pytest.raises(ValidationError) as refused:
        calendar.full_clean()

    assert list(refused.value.message_dict) == [field]
    assert message in refused.value.message_dict[field][0]


@pytest.mark.django_db
def test_a_good_calendar_is_kept_sorted_and_without_repeats():
    calendar = BusinessCalendar(
        workdays=[5, 1, 2, 1],
        holidays=["2025-11-04", "2025-11-03", "2025-11-04"],
        extra_workdays=["2025-11-01"],
    )

    calendar.full_clean()

    assert calendar.workdays == [1, 2, 5]
    assert calendar.holidays == ["2025-11-03", "2025-11-04"]
    assert calendar.working_time().is_workday(date(2025, 11, 1))
    assert not calendar.working_time().is_workday(date(2025, 11, 3))
