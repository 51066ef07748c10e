"""The beat's periodic work on carts: ids in, idempotent, safe to run twice at once."""

from celery import shared_task

from carts.services import cart_reminders_sweep


@shared_task(acks_late=True)
def cart_reminders_sweep_task():
    return cart_reminders_sweep()
