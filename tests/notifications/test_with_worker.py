"""The whole path with a real Celery worker: commit, nudge, dispatch, deliver."""

import email
from email.header import decode_header, make_header

import pytest
from django.db import transaction

from config.celery import app as celery_app
from notifications.channels import render_message
from notifications.models import Delivery, OutboxMessage
from notifications.tasks import notifications_sweep_task
from orders.models import Order
from orders.services import order_transition
from tests.conftest import wait_until

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("role_groups"),
]


@pytest.fixture(autouse=True)
def empty_mailbox(celery_worker):
    # Order numbers restart with each test's fresh database; so does the mailbox.
    for path in celery_worker.mail_dir.iterdir():
        path.unlink()


def _emails(worker):
    """(recipient, subject) of every message the worker's file backend wrote."""
    found = []
    for path in sorted(worker.mail_dir.iterdir()):
        for chunk in path.read_text(encoding="utf-8").split("-" * 79):
            if chunk.strip():
                message = email.message_from_string(chunk.strip())
                found.append((message["To"], str(make_header(decode_header(message["Subject"])))))
    return found


def _settled(order_id):
    """Every outbox row of the order dispatched and every delivery finished."""
    if OutboxMessage.objects.filter(aggregate_id=order_id, status="pending").exists():
        return False
    deliveries = Delivery.objects.filter(outbox_message__aggregate_id=order_id)
    return deliveries.exists() and not deliveries.filter(status="pending").exists()


def _subject(message_key):
    delivery = Delivery.objects.get(
        message_key=message_key, channel="email", address="buyer@example.com"
    )
    return render_message(delivery)["subject"]


def test_a_transition_email_arrives_once_after_commit(celery_worker, placed_order, people):
    order = placed_order()
    assert wait_until(lambda: _settled(order.pk))

    order = order_transition(
        order=Order.objects.get(pk=order.pk),
        transition="cancel",
        by=people["manager"],
        reason="Клиент передумал",
    )
    assert wait_until(lambda: _settled(order.pk))
    notifications_sweep_task.apply_async(ignore_result=False).get(
        timeout=60
    )  # a sweep finds nothing left to send

    sent = _emails(celery_worker)
    assert sent.count(("buyer@example.com", _subject("order_cancelled"))) == 1
    assert sent.count(("buyer@example.com", _subject("order_received"))) == 1
    delivery = Delivery.objects.get(
        message_key="order_cancelled", channel="email", address="buyer@example.com"
    )
    assert delivery.attempts == 1


def test_a_rolled_back_transition_sends_nothing(celery_worker, placed_order, people):
    order = placed_order()
    assert wait_until(lambda: _settled(order.pk))
    sent_before = len(_emails(celery_worker))

    def cancel_then_fail():
        with transaction.atomic():
            order_transition(
                order=Order.objects.get(pk=order.pk),
                transition="cancel",
                by=people["manager"],
                reason="по ошибке",
            )
            raise RuntimeError("the view failed after the transition")

    with pytest.raises(RuntimeError):
        cancel_then_fail()
    notifications_sweep_task.apply_async(ignore_result=False).get(timeout=60)

    assert Order.objects.get(pk=order.pk).state == "request"
    assert not OutboxMessage.objects.filter(topic="order.cancel").exists()
    assert not Delivery.objects.filter(message_key="order_cancelled").exists()
    assert len(_emails(celery_worker)) == sent_before


@pytest.fixture
def broker_outage():
    """Point this process's producer at a closed port; `restore()` brings the broker back.

    The worker keeps its own connection to the real broker, as a worker on another host
    would once the broker is back.
    """
    real_url = celery_app.conf.broker_url
    if not real_url.startswith("redis://"):
        pytest.skip("the outage is simulated on Redis (the CI's second run)")

    def point_at(url):
        celery_app.conf.broker_url = url
        celery_app._after_fork()  # drop pooled connections, as a forked process would

    point_at("redis://127.0.0.1:1/0")
    yield lambda: point_at(real_url)
    point_at(real_url)


def test_with_the_broker_down_the_order_is_kept_and_notified_when_it_returns(
    celery_worker, placed_order, broker_outage
):
    order = placed_order()  # the after-commit nudge fails; the caller does not notice

    assert Order.objects.filter(pk=order.pk).exists()
    assert OutboxMessage.objects.get(aggregate_id=order.pk).status == "pending"
    assert not Delivery.objects.exists()

    broker_outage()  # the broker is back
    notifications_sweep_task.apply_async(ignore_result=False).get(timeout=60)

    assert wait_until(lambda: _settled(order.pk))
    assert _emails(celery_worker).count(("buyer@example.com", _subject("order_received"))) == 1
