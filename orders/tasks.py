"""The beat's periodic work on orders: reminders and escalations, recurring orders, and
change-feed positions; each is safe to run twice at once.

The tasks keep the `notifications.tasks` names they had before they moved here, because
the beat schedule rows in the database name them so.
"""

import logging
import time

from celery import current_app, shared_task

from orders.feed import feed_assign_backlog
from orders.services import recurring_sweep, reminders_sweep

logger = logging.getLogger(__name__)

FEED_ASSIGN_TASK = "notifications.tasks.feed_assign_task"
# A burst of reads each finding the backlog asks once a second at most, per process.
FEED_NUDGE_INTERVAL_SECONDS = 1.0
# After a failed nudge the broker is taken for down this long (the beat still runs the task).
FEED_NUDGE_BROKER_DOWN_PAUSE_SECONDS = 30.0
_feed_nudge_quiet_until = 0.0


@shared_task(name="notifications.tasks.reminders_sweep_task", acks_late=True)
def reminders_sweep_task():
    return reminders_sweep()


@shared_task(name="notifications.tasks.recurring_orders_task", acks_late=True)
def recurring_orders_task():
    return recurring_sweep()


@shared_task(name=FEED_ASSIGN_TASK, acks_late=True)
def feed_assign_task():
    return feed_assign_backlog()


def feed_assign_nudge() -> None:
    """Ask a worker to position the change feed's backlog now; harmless to lose (the beat
    runs the task every few seconds). Fire and forget, and at most once a second."""
    global _feed_nudge_quiet_until
    now = time.monotonic()
    if now < _feed_nudge_quiet_until:
        return
    _feed_nudge_quiet_until = now + FEED_NUDGE_INTERVAL_SECONDS
    try:
        current_app.send_task(FEED_ASSIGN_TASK, retry=False, ignore_result=True)
    except Exception:  # the broker may be down; the beat's run positions the events
        _feed_nudge_quiet_until = now + FEED_NUDGE_BROKER_DOWN_PAUSE_SECONDS
        logger.warning("Could not nudge the change feed's assigner", exc_info=True)
