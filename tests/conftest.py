import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection

from accounts.roles import ROLE_PERMISSIONS, Role, grant_permissions
from tests.factories import ContactFactory, UserFactory


@pytest.fixture
def client_user(db):
    return ContactFactory().user


@pytest.fixture
def make_staff(db):
    def make(role: str, **kwargs):
        return UserFactory(role=role, **kwargs)

    return make


@pytest.fixture
def manager_user(make_staff):
    return make_staff(Role.MANAGER)


@pytest.fixture
def admin_user_role(make_staff):
    return make_staff(Role.ADMIN, is_staff=True)


@pytest.fixture
def role_groups(transactional_db):
    """Transactional tests flush the tables, groups from the data migration included."""
    grant_permissions(apps, ROLE_PERMISSIONS)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The production hasher costs ~0.3 s a user by design; tests create hundreds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    # Rate-limit counters live in the cache and outlive a test; each starts with none.
    from django.core.cache import cache

    cache.clear()


BASE_DIR = Path(__file__).resolve().parents[1]


def _database_url_of_test_database() -> str:
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings_dict['NAME']}"
    user = settings_dict.get("USER") or ""
    password = settings_dict.get("PASSWORD") or ""
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{credentials}{host}:{port}/{settings_dict['NAME']}"


@pytest.fixture(scope="module")
def celery_worker(django_db_setup, django_db_blocker, tmp_path_factory):
    """A real `celery worker` process on the configured broker and the test database.

    Module-scoped: a worker outliving its tests would keep working on the database
    while later transactional tests truncate it.

    It consumes the tests' own queue (CELERY_TASK_DEFAULT_QUEUE, set in pyproject), writes
    emails as files into `worker.mail_dir`, and retries after one second.
    """
    from config.celery import app as celery_app

    mail_dir = tmp_path_factory.mktemp("worker-mail")
    queue = celery_app.conf.task_default_queue
    with django_db_blocker.unblock():
        database_url = _database_url_of_test_database()
    environment = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": database_url,
        "CONN_MAX_AGE": "0",
        # Four slashes: django-environ strips one from the path.
        "EMAIL_URL": f"filemail:///{mail_dir}",
        "NOTIFICATIONS_STALE_SECONDS": "0",
        "NOTIFICATIONS_RETRY_BASE_SECONDS": "1",
    }
    celery_app.control.purge()  # tasks left in the tests' queue by an earlier run
    log_path = tmp_path_factory.mktemp("worker-log") / "worker.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=threads",
                "--concurrency=4",
                "--loglevel=INFO",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "-Q",
                queue,
            ],
            cwd=BASE_DIR,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    process.mail_dir = mail_dir
    process.log_path = log_path
    try:
        _wait_for_worker(process, log_path)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for_worker(process, log_path):
    """Fail at once, with the worker's log, if it cannot start or answer a task."""
    from core.tasks import ping_task

    result = ping_task.delay("ready")
    deadline = time.monotonic() + 90
    while not result.ready():
        if process.poll() is not None or time.monotonic() > deadline:
            log = log_path.read_text()[-4000:]
            pytest.fail(f"the Celery worker did not start:\n{log}")
        time.sleep(0.2)


def wait_until(predicate, *, timeout=60.0, interval=0.2):
    """Poll until `predicate()` is truthy; returns its value or fails with the last one."""
    deadline = time.monotonic() + timeout
    value = predicate()
    while not value and time.monotonic() < deadline:
        time.sleep(interval)
        value = predicate()
    return value


@pytest.fixture(autouse=True)
def broker_taken_for_up():
    # A test that breaks the broker pauses this process's nudges; the next one starts afresh.
    from notifications import outbox

    outbox._broker_down_until = 0.0
