from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.roles import Role
from tests.factories import ContactFactory, UserFactory

pytestmark = pytest.mark.django_db

PORTALS = {
    "client": "portals_client:home",
    "manager": "portals_manager:home",
    "admin": "portals_admin:home",
}

# role -> portals it may open; every other portal answers 403.
ALLOWED = {
    Role.CLIENT: {"client"},
    Role.MANAGER: {"manager"},
    Role.WAREHOUSE: {"manager"},
    Role.COURIER: {"manager"},
    Role.DIRECTOR: {"manager"},
    Role.ADMIN: {"manager", "admin"},
    # A service user for API keys and 1C: no portal at all.
    Role.INTEGRATION: set(),
}

HOME_PORTAL = {
    Role.CLIENT: "portals_client:home",
    Role.MANAGER: "portals_manager:home",
    Role.WAREHOUSE: "portals_manager:home",
    Role.COURIER: "portals_manager:home",
    Role.DIRECTOR: "portals_manager:home",
    Role.ADMIN: "portals_admin:home",
}


def _user_with_role(role):
    if role == Role.CLIENT:
        return ContactFactory().user
    return UserFactory(role=role)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("portal", list(PORTALS))
def test_portal_access_matrix(client, role, portal):
    client.force_login(_user_with_role(role))

    response = client.get(reverse(PORTALS[portal]))

    expected = 200 if portal in ALLOWED[role] else 403
    assert response.status_code == expected


@pytest.mark.parametrize("portal", list(PORTALS))
def test_anonymous_user_is_sent_to_login(client, portal):
    url = reverse(PORTALS[portal])

    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={url}"


@pytest.mark.parametrize("role", list(HOME_PORTAL))
def test_home_sends_each_role_to_its_portal(client, role):
    client.force_login(_user_with_role(role))

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response.url == reverse(HOME_PORTAL[role])


def test_user_without_role_gets_an_explanation_not_a_portal(client):
    client.force_login(UserFactory())

    response = client.get(reverse("home"))

    assert response.status_code == 403
    assert "У вашей учётной записи пока нет роли" in response.content.decode()


def test_client_portal_shows_own_customer_balance(client):
    contact = ContactFactory(customer__name="ООО «Тест»")
    contact.customer.ledger_entries.create(kind="payment", amount="1500.00")
    contact.customer.ledger_entries.create(kind="charge", amount="-500.00")
    client.force_login(contact.user)

    response = client.get(reverse("portals_client:home"))

    assert response.context["customer"] == contact.customer
    assert response.context["balance"] == Decimal("1000.00")
    assert "ООО «Тест»" in response.content.decode()


def test_client_user_cannot_open_django_admin(client):
    client.force_login(ContactFactory().user)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert reverse("admin:login") in response.url


def test_a_superuser_gets_no_client_menu_and_a_client_does(client):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(superuser)

    page = client.get(reverse("portals_admin:home")).content.decode()

    assert reverse("portals_client:cart") not in page
    assert reverse("portals_client:home") not in page
    assert reverse("portals_manager:home") in page

    contact = ContactFactory()
    client.force_login(contact.user)
    own = client.get(reverse("portals_client:home")).content.decode()
    assert reverse("portals_client:cart") in own
