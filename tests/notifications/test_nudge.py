"""The after-commit nudge: once per transaction, never waiting on a result store or dead broker."""

import pytest
from celery import current_app
from django.db import transaction
from kombu.exceptions import OperationalError

from notifications import outbox
from notifications.outbox import outbox_write
from notifications.tasks import outbox_dispatch_task

# Real transactions: a nudge belongs to the one that commits.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def published(monkeypatch):
    calls = []

    def send_task(name, *, args, **options):
        assert name == outbox_dispatch_task.name
        calls.append((args, options))

    monkeypatch.setattr(current_app, "send_task", send_task)
    return calls


def _write(number):
    return outbox_write(
        topic="order.created",
        aggregate_type="order",
        aggregate_id=number,
        payload={},
        dedupe_key=f"nudge-test-{number}",
    )


def test_a_transaction_writing_three_rows_nudges_once_with_all_three(published):
    with transaction.atomic():
        rows = [_write(number) for number in range(3)]

    assert published == [([[row.pk for row in rows]], {"retry": False, "ignore_result": True})]


def test_a_rolled_back_transaction_leaves_nothing_for_the_next_one(published):
    def write_then_fail():
        with transaction.atomic():
            _write(1)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        write_then_fail()
    with transaction.atomic():
        kept = _write(2)

    assert published == [([[kept.pk]], {"retry": False, "ignore_result": True})]


def test_after_a_failed_nudge_requests_stop_trying_the_broker_for_a_while(monkeypatch):
    attempts = []

    def broker_down(name, *, args, **options):
        attempts.append(args)
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(current_app, "send_task", broker_down)
    for number in range(3):
        with transaction.atomic():
            _write(number)

    assert len(attempts) == 1  # the rows wait for the sweep; the next requests pay nothing
    monkeypatch.setattr(outbox, "_broker_down_until", 0.0)
    with transaction.atomic():
        _write(4)
    assert len(attempts) == 2


def test_the_tasks_a_nudge_starts_keep_no_result():
    from django.conf import settings

    from notifications.tasks import delivery_task

    assert settings.CELERY_TASK_IGNORE_RESULT is True
    assert outbox_dispatch_task.ignore_result is True
    assert delivery_task.ignore_result is True
