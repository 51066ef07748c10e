"""The tasks app's answers to an order's stage changes (see `orders.signals`)."""

from tasks.services import tasks_close_for_stage_exit, tasks_create_for_stage_entry


def create_stage_tasks(sender, *, order, event, **kwargs):
    tasks_create_for_stage_entry(order, event)


def close_stage_tasks(sender, *, order, left_state, at, **kwargs):
    tasks_close_for_stage_exit(order, left_state=left_state, at=at)
