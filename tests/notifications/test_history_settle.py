from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from notifications.models import Delivery, OutboxMessage
from notifications.outbox import outbox_write
from notifications.services import outbox_history_settle

pytestmark = pytest.mark.django_db


def _write(key: str) -> OutboxMessage:
    return outbox_write(
        topic="order.created", aggregate_type="order", aggregate_id=1, payload={}, dedupe_key=key
    )


def test_history_rows_are_marked_delivered_when_they_were_written_and_nothing_is_sent():
    # given a row from before the history, two from last month and one from today
    earlier = _write("earlier")
    month_ago = timezone.now() - timedelta(days=30)
    with time_machine.travel(month_ago, tick=False):
        first, second = _write("old-1"), _write("old-2")
    fresh = _write("fresh")

    # when
    settled = outbox_history_settle(after_id=earlier.pk, before=timezone.now() - timedelta(days=1))

    # then
    assert settled == 2
    rows = {row.dedupe_key: row for row in OutboxMessage.objects.all()}
    assert rows["old-1"].status == rows["old-2"].status == OutboxMessage.Status.DELIVERED
    assert rows["old-1"].delivered_at == first.created_at
    assert rows["old-2"].delivered_at == second.created_at
    assert rows["earlier"].status == rows["fresh"].status == OutboxMessage.Status.PENDING
    assert fresh.pk > second.pk
    assert not Delivery.objects.exists()
