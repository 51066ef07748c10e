"""The integration role: what an accounting system needs, nothing of the administrator's."""

import json

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from accounts.roles import Role
from api.services import api_client_create
from catalog.models import Item
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def integration_key():
    _client, key = api_client_create(
        name="1C", scopes=["read", "write"], groups=[Group.objects.get(name=Role.INTEGRATION)]
    )
    return key


def test_an_integration_key_upserts_an_item_by_its_external_id(client, integration_key):
    response = client.put(
        "/api/v1/items/by-external-id/1c-item-1/",
        data=json.dumps({"sku": "SKU-1C-1", "name": "Стол", "price": "1500.00"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {integration_key}",
    )

    assert response.status_code in (200, 201), response.content
    item = Item.objects.get(external_id="1c-item-1")
    assert (item.sku, item.name, str(item.price)) == ("SKU-1C-1", "Стол", "1500.00")


def test_the_readme_example_key_made_by_the_command_may_write_items(capsys, client):
    call_command("create_api_key", "1C", scopes="read,write", roles="integration")
    key = capsys.readouterr().out.strip()

    response = client.put(
        "/api/v1/items/by-external-id/1c-item-2/",
        data=json.dumps({"sku": "SKU-1C-2", "name": "Стул", "price": "700.00"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )

    assert response.status_code in (200, 201), response.content


def test_the_integration_role_opens_nothing_of_users_workflows_or_configuration(client):
    user = UserFactory(role=Role.INTEGRATION)
    client.force_login(user)

    for name in ("user_list", "workflow_list", "api_key_list"):
        response = client.get(reverse(f"portals_admin:{name}"))
        assert response.status_code in (302, 403), name
        assert response.status_code != 200
    for permission in (
        "accounts.add_user",
        "accounts.change_user",
        "orders.change_workflow",
        "orders.manage_workflow",
        "api.add_apiclient",
        "accounts.access_admin_portal",
        "accounts.access_manager_portal",
    ):
        assert not user.has_perm(permission), permission
    for permission in (
        "orders.process_order",
        "customers.change_customer",
        "catalog.change_item",
        "catalog.change_attribute",
    ):
        assert user.has_perm(permission), permission


def test_people_are_not_offered_the_integration_role_but_keys_are(admin_user_role, client):
    client.force_login(admin_user_role)

    invite = client.get(reverse("portals_admin:user_new")).content.decode()
    new_key = client.get(reverse("portals_admin:api_key_new")).content.decode()

    assert 'value="integration"' not in invite
    assert 'value="manager"' in invite
    integration_group = Group.objects.get(name=Role.INTEGRATION)
    assert f'value="{integration_group.pk}"' in new_key
