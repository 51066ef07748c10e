"""The beat's periodic work on orders: reminders and escalations, recurring orders, and
change-feed positions; each is safe to run twice at once.

The tasks keep the `notifications.tasks` names they had before they moved here, because
the beat schedule rows in the database name them so.
"""

from celery import shared_task

from orders.feed import feed_assign_positions
from orders.services import recurring_sweep, reminders_sweep


@shared_task(name="notifications.tasks.reminders_sweep_task", acks_late=True)
def reminders_sweep_task():
    return reminders_sweep()


@shared_task(name="notifications.tasks.recurring_orders_task", acks_late=True)
def recurring_orders_task():
    return recurring_sweep()


@shared_task(name="notifications.tasks.feed_assign_task", acks_late=True)
def feed_assign_task():
    return feed_assign_positions()
