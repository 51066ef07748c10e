"""API keys in the admin portal: who may manage them, the key shown once, revocation."""

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.roles import Role
from api.keys import key_hash
from api.models import ApiClient
from api.services import api_client_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST = reverse("portals_admin:api_key_list")
NEW = reverse("portals_admin:api_key_new")
KEY = re.compile(r'value="(crm_[^"]+)"')


@pytest.fixture
def admin_client(db):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(UserFactory(role=Role.ADMIN))
    return client


@pytest.fixture
def existing(db):
    client, _key = api_client_create(
        name="Old 1C", scopes=["read"], groups=Group.objects.filter(name=Role.MANAGER)
    )
    return client


def _orders_status(key: str) -> int:
    return APIClient().get("/api/v1/orders/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code


def _create(admin_client, **overrides):
    data = {
        "name": "1С Бухгалтерия",
        "scopes": ["read", "write"],
        "groups": [Group.objects.get(name=Role.MANAGER).pk],
        **overrides,
    }
    return admin_client.post(NEW, data)


def test_a_manager_gets_403_and_an_anonymous_user_the_login_page(existing):
    manager = Client(HTTP_ACCEPT_LANGUAGE="en")
    manager.force_login(UserFactory(role=Role.MANAGER))
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="en")
    revoke = reverse("portals_admin:api_key_revoke", args=[existing.pk])

    for method, url in [("get", LIST), ("get", NEW), ("post", NEW), ("post", revoke)]:
        assert getattr(manager, method)(url).status_code == 403, url
        response = getattr(anonymous, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login")), url
    existing.refresh_from_db()
    assert existing.is_active
    assert ApiClient.objects.count() == 1


def test_the_home_page_links_the_keys(admin_client):
    response = admin_client.get(reverse("portals_admin:home"))

    assert f'href="{LIST}"' in response.content.decode()


def test_a_created_key_is_shown_once_and_authenticates(admin_client):
    response = _create(admin_client)

    assert response.status_code == 200
    assert "It is shown only this once" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    key = KEY.search(response.content.decode()).group(1)
    client = ApiClient.objects.get()
    assert (client.name, client.scopes) == ("1С Бухгалтерия", ["read", "write"])
    assert list(client.user.groups.values_list("name", flat=True)) == [Role.MANAGER]
    assert client.key_hash == key_hash(key)
    assert _orders_status(key) == 200

    listing = admin_client.get(LIST).content.decode()
    assert "1С Бухгалтерия" in listing
    assert f"crm_{client.key_prefix}" in listing
    assert key not in listing
    assert key not in admin_client.get(NEW).content.decode()


def test_a_form_without_scopes_creates_nothing(admin_client):
    response = _create(admin_client, scopes=[])

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not ApiClient.objects.exists()


def test_revoking_asks_first_then_the_key_stops_working(admin_client):
    client, key = api_client_create(
        name="1C", scopes=["read"], groups=Group.objects.filter(name=Role.MANAGER)
    )
    url = reverse("portals_admin:api_key_revoke", args=[client.pk])
    assert _orders_status(key) == 200

    confirm = admin_client.get(url)
    client.refresh_from_db()
    assert client.is_active
    assert 'data-testid="revoke-form"' in confirm.content.decode()

    revoked = admin_client.post(url, follow=True)

    assert revoked.redirect_chain == [(LIST, 302)]
    assert "is revoked: it no longer works" in revoked.content.decode()
    client.refresh_from_db()
    assert not client.is_active
    assert _orders_status(key) == 401


def test_revoke_needs_the_csrf_token(existing):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(UserFactory(role=Role.ADMIN))

    response = client.post(reverse("portals_admin:api_key_revoke", args=[existing.pk]))

    assert response.status_code == 403
    existing.refresh_from_db()
    assert existing.is_active


@pytest.mark.parametrize("count", [1, 25])
def test_the_key_list_costs_the_same_for_many_keys(
    admin_client, count, django_assert_max_num_queries
):
    for number in range(count):
        api_client_create(
            name=f"Integration {number}",
            scopes=["read"],
            groups=Group.objects.filter(name=Role.MANAGER),
        )

    with django_assert_max_num_queries(8):
        page = admin_client.get(LIST).content.decode()

    assert page.count("Integration ") == count
