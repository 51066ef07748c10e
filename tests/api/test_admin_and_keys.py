"""Making keys: Django admin (shown once), the command line, and the periodic purge."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from rest_framework.test import APIClient

from accounts.roles import Role
from api.models import ApiClient, IdempotencyKey
from api.tasks import idempotency_keys_purge_task

pytestmark = pytest.mark.django_db


def test_admin_creates_a_client_and_shows_its_key_once(client, admin_user):
    client.force_login(admin_user)
    manager = Group.objects.get(name=Role.MANAGER)

    response = client.post(
        "/django-admin/api/apiclient/add/",
        {"name": "1С:Бухгалтерия", "scopes": ["read", "write"], "groups": [manager.pk]},
    )

    assert response.status_code == 200, response.content
    api_client = ApiClient.objects.get()
    key = response.context["key"]
    assert key.startswith(f"crm_{api_client.key_prefix}.")
    assert key.encode() in response.content
    assert api_client.scopes == ["read", "write"]
    assert list(api_client.user.groups.all()) == [manager]
    change_page = client.get(f"/django-admin/api/apiclient/{api_client.pk}/change/")
    assert key.encode() not in change_page.content
    works = APIClient().get("/api/v1/orders/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert works.status_code == 200


def test_admin_changes_scopes_and_roles_and_revokes(client, admin_user, make_key):
    api_client, key = make_key(roles=[Role.MANAGER])
    client.force_login(admin_user)

    client.post(
        f"/django-admin/api/apiclient/{api_client.pk}/change/",
        {"name": "Renamed", "scopes": ["read"], "groups": []},
    )
    api_client.refresh_from_db()
    assert (api_client.name, api_client.scopes) == ("Renamed", ["read"])
    assert not api_client.user.groups.exists()

    client.post(
        "/django-admin/api/apiclient/",
        {"action": "revoke", "_selected_action": [api_client.pk]},
    )
    api_client.refresh_from_db()
    assert api_client.revoked_at is not None
    revoked = APIClient().get("/api/v1/orders/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert revoked.status_code == 401


def test_the_admin_role_may_manage_api_clients():
    admin_group = Group.objects.get(name=Role.ADMIN)

    granted = set(admin_group.permissions.values_list("codename", flat=True))

    assert {"add_apiclient", "change_apiclient", "view_apiclient"} <= granted


def test_create_api_key_command_prints_a_working_key():
    out = StringIO()

    call_command(
        "create_api_key",
        "1C",
        "--scopes",
        "read,write",
        "--roles",
        "manager",
        stdout=out,
        stderr=StringIO(),
    )

    key = out.getvalue().strip()
    api_client = ApiClient.objects.get()
    assert api_client.scopes == ["read", "write"]
    assert api_client.user.has_perm("orders.process_order")
    assert APIClient().get("/api/v1/orders/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200


@pytest.mark.parametrize("arguments", [["--scopes", "admin"], ["--roles", "wizard"]])
def test_create_api_key_refuses_unknown_scopes_and_roles(arguments):
    with pytest.raises(CommandError):
        call_command("create_api_key", "1C", *arguments, stdout=StringIO(), stderr=StringIO())

    assert ApiClient.objects.count() == 0


def test_purge_deletes_keys_older_than_a_day_only(make_key):
    api_client, _key = make_key()
    old = IdempotencyKey.objects.create(client=api_client, key="old", fingerprint="x")
    IdempotencyKey.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))
    fresh = IdempotencyKey.objects.create(client=api_client, key="fresh", fingerprint="x")

    assert idempotency_keys_purge_task() == 1
    assert list(IdempotencyKey.objects.all()) == [fresh]
    assert idempotency_keys_purge_task() == 0


def test_the_purge_is_scheduled_in_beat():
    task = PeriodicTask.objects.get(task="api.tasks.idempotency_keys_purge_task")

    assert task.enabled
    assert (task.interval.every, task.interval.period) == (1, "hours")
