"""Cart reminders through a real Celery worker: the sweep's row, dispatched and mailed once."""

import email
from email.header import decode_header, make_header

import pytest

from carts.models import Cart
from carts.services import cart_add_item, cart_reminders_sweep
from carts.tasks import cart_reminders_sweep_task
from notifications.models import Delivery, OutboxMessage
from notifications.tasks import notifications_sweep_task
from tests.catalog.factories import ItemFactory
from tests.conftest import wait_until
from tests.factories import ContactFactory

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("role_groups"),
]


@pytest.fixture(autouse=True)
def empty_mailbox(celery_worker):
    for path in celery_worker.mail_dir.iterdir():
        path.unlink()


def _subjects_to(worker, address):
    found = []
    for path in sorted(worker.mail_dir.iterdir()):
        for chunk in path.read_text(encoding="utf-8").split("-" * 79):
            if chunk.strip():
                message = email.message_from_string(chunk.strip())
                if message["To"] == address:
                    found.append(str(make_header(decode_header(message["Subject"]))))
    return found


def _settled(cart_id):
    rows = OutboxMessage.objects.filter(aggregate_type="cart", aggregate_id=cart_id)
    if not rows.exists() or rows.filter(status="pending").exists():
        return False
    deliveries = Delivery.objects.filter(outbox_message__in=rows)
    return deliveries.exists() and not deliveries.filter(status="pending").exists()


def test_a_due_cart_is_mailed_once_however_often_the_sweep_runs(celery_worker):
    contact = ContactFactory(user__email="cart-owner@example.com", user__language="en")
    cart_add_item(by=contact.user, item=ItemFactory(name="Кресло"), quantity=1)
    cart = Cart.objects.get(contact=contact)

    # The beat's task, run by the worker; the clock is moved by the sweep's `now`, so the
    # test's process runs the sweep itself the second time with the time past the first step.
    cart_reminders_sweep_task.apply_async(ignore_result=False).get(timeout=60)
    assert not OutboxMessage.objects.filter(topic="cart.reminder").exists()  # not due yet

    assert cart_reminders_sweep(now=cart.reminder_due_at) == {"first": 1, "second": 0}
    assert cart_reminders_sweep(now=cart.reminder_due_at) == {"first": 0, "second": 0}
    assert wait_until(lambda: _settled(cart.pk))
    notifications_sweep_task.apply_async(ignore_result=False).get(timeout=60)

    assert _subjects_to(celery_worker, "cart-owner@example.com") == ["You left items in your cart"]
    assert Delivery.objects.get(channel="in_app", recipient=contact.user).status == "delivered"
