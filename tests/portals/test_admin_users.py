"""Users and roles in the admin portal."""

import re

import pytest
from django.core import mail
from django.test import Client

from accounts.models import User
from accounts.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(db):
    return UserFactory(role=Role.ADMIN)


@pytest.fixture
def admin_client(admin):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(admin)
    return client


def test_an_invited_user_sets_a_password_and_logs_in_with_the_role(admin_client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    response = admin_client.post(
        "/admin-portal/users/invite/",
        {"email": "New.Manager@example.com", "first_name": "Ольга", "roles": [Role.MANAGER]},
    )

    assert response.status_code == 302
    user = User.objects.get(email="new.manager@example.com")
    assert list(user.groups.values_list("name", flat=True)) == [Role.MANAGER]
    link = re.search(r"https?://\S+/accounts/password/reset/\S+/", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[1]
    visitor = Client(HTTP_ACCEPT_LANGUAGE="en")
    form_page = visitor.get(path, follow=True)
    visitor.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-long-passphrase-1", "new_password2": "a-long-passphrase-1"},
    )
    logged_in = visitor.post(
        "/accounts/login/", {"username": user.username, "password": "a-long-passphrase-1"}
    )
    assert logged_in.status_code == 302
    assert visitor.get("/manager/").status_code == 200


def test_an_existing_email_is_refused_and_named(admin_client):
    UserFactory(email="taken@example.com")

    response = admin_client.post(
        "/admin-portal/users/invite/", {"email": "TAKEN@example.com", "first_name": "X"}
    )

    assert "A user with this email exists already." in response.content.decode()
    assert User.objects.filter(email__iexact="taken@example.com").count() == 1


def test_roles_change_and_a_user_is_deactivated(admin_client):
    person = UserFactory(role=Role.WAREHOUSE)

    admin_client.post(f"/admin-portal/users/{person.pk}/", {"roles": [Role.COURIER]})
    admin_client.post(f"/admin-portal/users/{person.pk}/", {"action": "deactivate"})

    person.refresh_from_db()
    assert list(person.groups.values_list("name", flat=True)) == [Role.COURIER]
    assert not person.is_active


def test_an_admin_cannot_lock_themselves_out(admin_client, admin):
    roles = admin_client.post(f"/admin-portal/users/{admin.pk}/", {"roles": [Role.MANAGER]})
    deactivate = admin_client.post(f"/admin-portal/users/{admin.pk}/", {"action": "deactivate"})

    admin.refresh_from_db()
    assert "You cannot take the administrator role from yourself." in roles.content.decode()
    assert "You cannot deactivate yourself." in deactivate.content.decode()
    assert admin.is_active
    assert admin.groups.filter(name=Role.ADMIN).exists()


@pytest.mark.parametrize("role", [Role.MANAGER, Role.DIRECTOR])
def test_only_admins_manage_users(role):
    client = Client()
    client.force_login(UserFactory(role=role))

    assert client.get("/admin-portal/users/").status_code == 403
    assert client.post("/admin-portal/users/invite/", {"email": "x@example.com"}).status_code == 403


def test_the_list_costs_the_same_for_many_users(admin_client, django_assert_max_num_queries):
    for _ in range(30):
        UserFactory(role=Role.MANAGER)

    with django_assert_max_num_queries(8):
        page = admin_client.get("/admin-portal/users/").content.decode()

    assert page.count('data-testid="users"') == 1


def test_an_invited_administrator_edits_the_catalog_in_the_django_admin_until_demoted(
    admin_client, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    admin_client.post(
        "/admin-portal/users/invite/",
        {"email": "second.admin@example.com", "first_name": "Ирина", "roles": [Role.ADMIN]},
    )
    second = User.objects.get(email="second.admin@example.com")
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(second)

    assert second.is_staff
    assert browser.get("/django-admin/catalog/attribute/").status_code == 200
    assert browser.get("/django-admin/catalog/item/add/").status_code == 200
    # Administration home links the catalog in the Django admin.
    assert 'data-testid="admin-catalog"' in browser.get("/admin-portal/").content.decode()

    admin_client.post(f"/admin-portal/users/{second.pk}/", {"roles": [Role.MANAGER]})

    second.refresh_from_db()
    assert not second.is_staff
    assert browser.get("/django-admin/catalog/attribute/").status_code == 302
