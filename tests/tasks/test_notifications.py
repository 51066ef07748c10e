"""A task's new assignee hears of it in the app: the outbox row becomes an in-app notification."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from notifications.dispatch import delivery_attempt, outbox_message_dispatch
from notifications.models import Delivery, Notification, OutboxMessage
from tasks.services import task_create, task_reassign
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def _dispatch():
    created = []
    for message in OutboxMessage.objects.filter(status="pending"):
        created += outbox_message_dispatch(message.pk)
    return created


def test_the_assignee_of_an_orders_task_gets_one_in_app_notification_linking_the_order(staff):
    order = OrderFactory()
    task_create(
        title="Pack",
        due_at=timezone.now() + timedelta(hours=2),
        assignee=staff[Role.WAREHOUSE],
        order=order,
        by=staff[Role.MANAGER],
    )

    created = _dispatch()
    again = _dispatch()

    delivery = Delivery.objects.get(pk__in=created)
    assert (delivery.channel, delivery.message_key, delivery.recipient) == (
        "in_app",
        "task_assigned",
        staff[Role.WAREHOUSE],
    )
    assert again == []
    assert delivery_attempt(delivery.pk) == "delivered"
    notification = Notification.objects.get()
    assert (notification.recipient, notification.order) == (staff[Role.WAREHOUSE], order)
    assert notification.url.endswith(f"/manager/orders/{order.pk}/")


def test_a_task_without_an_order_still_reaches_its_assignee(staff):
    task = task_create(
        title="Inventory",
        due_at=timezone.now() + timedelta(hours=2),
        by=staff[Role.MANAGER],
        role=Role.WAREHOUSE,
    )
    task_reassign(task=task, by=staff[Role.MANAGER], assignee=staff["warehouse2"])

    [delivery_id] = _dispatch()
    delivery_attempt(delivery_id)

    notification = Notification.objects.get()
    assert (notification.recipient, notification.order) == (staff["warehouse2"], None)


def test_an_assignee_deactivated_before_dispatch_gets_nothing(staff):
    task_create(
        title="Pack",
        due_at=timezone.now() + timedelta(hours=2),
        assignee=staff[Role.WAREHOUSE],
        by=staff[Role.MANAGER],
    )
    staff[Role.WAREHOUSE].is_active = False
    staff[Role.WAREHOUSE].save()

    assert _dispatch() == []
    assert OutboxMessage.objects.get().status == "delivered"
