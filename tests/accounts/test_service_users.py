"""An API key's service user acts, but is never offered as a person."""

import pytest
from django.contrib.auth.models import Group

from accounts.roles import Role
from accounts.selectors import user_list_with_permission
from api.services import api_client_create
from notifications.recipients import recipients_for
from tasks.selectors import task_assignable_users
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def service_user():
    client, _key = api_client_create(
        name="1C", scopes=["read", "write"], groups=Group.objects.filter(name=Role.MANAGER)
    )
    return client.user


def test_a_keys_user_is_marked_and_left_out_of_the_lists_of_people(service_user):
    person = UserFactory(role=Role.MANAGER, first_name="Анна")

    assert service_user.is_service
    assert list(user_list_with_permission("orders.process_order")) == [person]
    assert list(task_assignable_users()) == [person]


def test_the_managers_page_offers_no_service_user_as_manager(client, service_user):
    person = UserFactory(role=Role.MANAGER, first_name="Анна")
    client.force_login(person)

    page = client.get("/manager/orders/").content.decode()

    assert "(API)" not in page


def test_a_role_notification_reaches_people_not_the_keys_user(service_user):
    person = UserFactory(role=Role.MANAGER)

    recipients = recipients_for(f"role:{Role.MANAGER}", order=None)

    assert [recipient.user for recipient in recipients] == [person]
