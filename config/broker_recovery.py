"""Keep a Celery worker alive when its Redis broker dies.

Celery 5.7 / kombu 5.7, after losing a Redis broker, drop the old connection and open a new
one; but the old channel is still used afterwards, and it needs the connection it has lost:
- closing it restores the unacknowledged messages over it;
- a task that was running meanwhile finishes and acknowledges its message on it.
Both end in kombu asking the dropped connection for its address, an AttributeError
("'NoneType' object has no attribute 'hostname'" / "... 'client'"). That is not a connection
error, so the worker stops with "Unrecoverable error" and hangs (seen with Redis killed under
load: tests/production/test_outages.py).

Here a channel whose connection is gone raises redis's ConnectionError instead, which kombu
and Celery already handle as a lost connection: the restore is skipped and the ack logged.
Nothing is lost by that: Redis hands those messages out again after the visibility timeout,
the consumers dedupe, and the outbox sweep resends whatever is still undelivered.
"""

from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError

_connparams = kombu_redis.Channel._connparams


def _connparams_of_a_live_connection(self, asynchronous=False):
    if self.connection is None or self.connection.client is None:
        raise RedisConnectionError("The channel's broker connection was dropped.")
    return _connparams(self, asynchronous=asynchronous)


def apply() -> None:
    kombu_redis.Channel._connparams = _connparams_of_a_live_connection
