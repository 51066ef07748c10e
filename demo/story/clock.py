"""The story's clock: steps fall in working hours, and each runs with the clock moved there.

`time_machine.travel(..., tick=False)` moves every clock Django and the services read
(`timezone.now()`, `auto_now` fields, `localdate()`), so a step written six months ago
reads exactly as if a person had taken it then.
"""

import random
from contextlib import contextmanager
from datetime import datetime, time, timedelta

import time_machine
from django.utils import timezone

DAY_START, DAY_END = time(9, 0), time(18, 0)
WEEKEND = (5, 6)


def working_moment(moment: datetime) -> datetime:
    """`moment`, or the next working minute after it (weekdays, 9:00 to 18:00 local)."""
    local = timezone.localtime(moment)
    while True:
        if local.weekday() in WEEKEND or local.time() >= DAY_END:
            next_day = (local + timedelta(days=1)).date()
            local = timezone.make_aware(datetime.combine(next_day, DAY_START))
            continue
        if local.time() < DAY_START:
            local = timezone.make_aware(datetime.combine(local.date(), DAY_START))
        return local


class StoryClock:
    """The time of one order's next step, moving forward only.

    `later(...)` advances by a random span and lands in working hours; `step()` runs the
    code under it with the clock moved there. The order stops where it is once the next
    step would be in the future: that is how recent orders stay open at a stage.
    """

    def __init__(self, start: datetime, *, rng: random.Random, now: datetime):
        self.moment = working_moment(start)
        self.rng = rng
        self.now = now

    def later(self, *, minutes=(0, 0), hours=(0, 0), days=(0, 0)) -> datetime:
        span = timedelta(
            minutes=self.rng.uniform(*minutes),
            hours=self.rng.uniform(*hours),
            days=self.rng.uniform(*days),
        )
        self.moment = working_moment(self.moment + span)
        return self.moment

    @property
    def is_past(self) -> bool:
        return self.moment < self.now

    @contextmanager
    def step(self):
        with time_machine.travel(self.moment, tick=False):
            yield self.moment


def at(moment: datetime):
    """Run a block with the clock stopped at `moment`."""
    return time_machine.travel(moment, tick=False)


def recent_morning(now: datetime) -> datetime:
    """10:00 on the last working day at least a day before `now`."""
    day = timezone.localtime(now).date() - timedelta(days=1)
    while day.weekday() in WEEKEND:
        day -= timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def running_from(moment: datetime):
    """Run a block with the clock set to `moment` and ticking on from there."""
    return time_machine.travel(moment, tick=True)
