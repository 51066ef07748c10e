"""Who may call what: keys, scopes, revocation, portal sessions."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.roles import Role
from api.models import ApiClient
from api.services import api_client_revoke
from orders.models import OrderEvent
from tests.api.helpers import assert_problem, order_body
from tests.factories import ContactFactory
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def test_no_credentials_is_401_with_a_bearer_challenge():
    response = APIClient().get("/api/v1/orders/")

    assert_problem(response, 401)
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.parametrize(
    "header",
    ["Bearer nonsense", "Bearer crm_00000000.wrong", "Bearer a b", "Bearer"],
)
def test_a_malformed_or_unknown_key_is_401(header):
    response = APIClient().get("/api/v1/orders/", HTTP_AUTHORIZATION=header)

    assert_problem(response, 401)


def test_a_key_with_the_right_prefix_and_wrong_secret_is_401(manager_api):
    prefix_only = manager_api.key.split(".")[0] + ".not-the-secret"

    response = APIClient().get("/api/v1/orders/", HTTP_AUTHORIZATION=f"Bearer {prefix_only}")

    assert_problem(response, 401)


def test_a_revoked_key_stops_working_at_once(manager_api):
    assert manager_api.get("/api/v1/orders/").status_code == 200

    api_client_revoke(client=manager_api.api_client)

    assert_problem(manager_api.get("/api/v1/orders/"), 401)
    manager_api.api_client.user.refresh_from_db()
    assert not manager_api.api_client.user.is_active


def test_only_a_hash_of_the_key_is_stored(manager_api):
    stored = ApiClient.objects.get(pk=manager_api.api_client.pk)

    assert manager_api.key not in (stored.key_hash, stored.key_prefix)
    assert manager_api.key.startswith(f"crm_{stored.key_prefix}.")
    assert not stored.user.has_usable_password()


def test_last_used_is_recorded_at_most_once_a_minute(manager_api):
    client = manager_api.api_client
    manager_api.get("/api/v1/orders/")
    first = ApiClient.objects.get(pk=client.pk).last_used_at
    assert first is not None

    manager_api.get("/api/v1/orders/")
    assert ApiClient.objects.get(pk=client.pk).last_used_at == first

    ApiClient.objects.filter(pk=client.pk).update(last_used_at=first - timedelta(minutes=2))
    manager_api.get("/api/v1/orders/")
    assert ApiClient.objects.get(pk=client.pk).last_used_at > first - timedelta(seconds=1)


WRITES = [
    ("post", "/api/v1/customers/", {"name": "X"}),
    ("put", "/api/v1/customers/{customer}/", {"name": "X"}),
    ("patch", "/api/v1/customers/{customer}/", {"name": "X"}),
    ("put", "/api/v1/customers/by-external-id/C-9/", {"name": "X"}),
    ("post", "/api/v1/items/", {"name": "X"}),
    ("put", "/api/v1/items/{item}/", {"name": "X"}),
    ("patch", "/api/v1/items/{item}/", {"name": "X"}),
    ("put", "/api/v1/items/by-external-id/SKU-9/", {"name": "X"}),
    ("put", "/api/v1/attributes/colour/", {"name": "Цвет"}),
    ("post", "/api/v1/orders/", order_body()),
    ("post", "/api/v1/orders/bulk/", {"orders": [order_body()]}),
    ("post", "/api/v1/orders/{order}/transitions/", {"transition": "start_quote"}),
    ("post", "/api/v1/orders/{order}/payments/", {"amount": "10.00"}),
    ("post", "/api/v1/orders/{order}/shipments/", {"carrier": "СДЭК"}),
    ("post", "/api/v1/orders/{order}/quotes/revise/", {}),
    ("post", "/api/v1/orders/{order}/amend/", {"lines": [{"item": {"id": 1}, "quantity": 1}]}),
    ("post", "/api/v1/orders/{order}/quotes/{version}/accept/", {}),
    ("post", "/api/v1/webhooks/", {"url": "https://example.com/h", "events": ["order.*"]}),
    ("put", "/api/v1/webhooks/{webhook}/", {"url": "https://example.com/h", "events": ["order.*"]}),
    ("patch", "/api/v1/webhooks/{webhook}/", {"is_active": False}),
    ("delete", "/api/v1/webhooks/{webhook}/", None),
]


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_a_read_scope_key_gets_403_on_every_write(read_api, catalog, method, path, body):
    order = OrderFactory(customer=catalog["customer"])
    webhook = read_api.api_client.webhook_subscriptions.create(
        url="https://example.com/h", events=["order.*"]
    )
    url = path.format(
        customer=catalog["customer"].pk,
        item=catalog["chair"].pk,
        order=order.pk,
        webhook=webhook.pk,
        version=1,
    )
    events_before = OrderEvent.objects.count()

    response = getattr(read_api, method)(url, body, format="json")

    assert_problem(response, 403)
    assert OrderEvent.objects.count() == events_before


def test_every_write_route_is_in_the_read_scope_test():
    """A new write operation must be added to WRITES above."""
    from django.test import Client

    schema = Client().get("/api/schema/?format=json").json()
    declared = {
        (method, path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in {"post", "put", "patch", "delete"}
    }
    tested = {
        (
            method,
            path.replace("{customer}", "{id}")
            .replace("{item}", "{id}")
            .replace("{order}", "{id}")
            .replace("{webhook}", "{id}")
            .replace("C-9", "{external_id}")
            .replace("SKU-9", "{external_id}")
            .replace("colour", "{code}"),
        )
        for method, path, _body in WRITES
    }
    assert declared == tested


def test_a_write_key_whose_user_lacks_the_permission_gets_403(keyed, catalog):
    director = keyed(roles=[Role.DIRECTOR])

    assert_problem(director.post("/api/v1/orders/", order_body(), format="json"), 403)
    assert_problem(
        director.put("/api/v1/items/by-external-id/SKU-9/", {"name": "X"}, format="json"), 403
    )


def test_a_client_session_reads_its_own_orders_and_not_anothers(client, catalog):
    contact = ContactFactory(customer=catalog["customer"])
    own = OrderFactory(customer=catalog["customer"])
    other = OrderFactory()
    client.force_login(contact.user)

    listing = client.get("/api/v1/orders/")
    assert listing.status_code == 200
    assert [row["id"] for row in listing.json()["results"]] == [own.pk]
    assert client.get(f"/api/v1/orders/{own.pk}/").status_code == 200
    assert_problem(client.get(f"/api/v1/orders/{other.pk}/"), 404)
    assert_problem(client.get(f"/api/v1/orders/{other.pk}/transitions/"), 404)


def test_a_client_session_cannot_read_customers_the_feed_or_webhooks(client):
    client.force_login(ContactFactory().user)

    assert_problem(client.get("/api/v1/customers/"), 403)
    assert_problem(client.get("/api/v1/changes/"), 403)
    assert_problem(client.get("/api/v1/webhooks/"), 403)


def test_a_staff_session_cannot_write_through_the_api(make_staff, catalog):
    session = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    session.force_login(make_staff(Role.MANAGER))

    response = session.post("/api/v1/orders/", order_body(), format="json")

    assert_problem(response, 403)
    assert "write scope" in response.json()["detail"]


def test_throttling_per_key_answers_429_with_retry_after(manager_api, monkeypatch):
    from api.throttling import ApiKeyRateThrottle

    monkeypatch.setattr(ApiKeyRateThrottle, "THROTTLE_RATES", {"api_key": "2/minute"})

    assert manager_api.get("/api/v1/orders/").status_code == 200
    assert manager_api.get("/api/v1/orders/").status_code == 200
    response = manager_api.get("/api/v1/orders/")

    assert_problem(response, 429)
    assert 0 < int(response["Retry-After"]) <= 60


def test_the_throttle_counts_per_minute_and_keeps_a_constant_size_record(manager_api, monkeypatch):
    import time_machine

    from api.models import ThrottleWindow
    from api.throttling import ApiKeyRateThrottle

    monkeypatch.setattr(ApiKeyRateThrottle, "THROTTLE_RATES", {"api_key": "2/minute"})
    minute = timezone.now().replace(second=10, microsecond=0) + timedelta(minutes=1)

    with time_machine.travel(minute, tick=False):
        assert manager_api.get("/api/v1/orders/").status_code == 200
        assert manager_api.get("/api/v1/orders/").status_code == 200
        refused = manager_api.get("/api/v1/orders/")
        record = ThrottleWindow.objects.get(
            key=f"throttle_api_key_{manager_api.api_client.key_prefix}"
        )
    with time_machine.travel(minute + timedelta(seconds=50), tick=False):
        next_minute = manager_api.get("/api/v1/orders/")

    assert_problem(refused, 429)
    assert refused["Retry-After"] == "50"
    assert record.count == 3  # the refused request is counted
    assert record.window_start == int(minute.replace(second=0).timestamp())
    assert next_minute.status_code == 200


def test_keys_expire_nothing_by_time_but_revocation(manager_api):
    ApiClient.objects.filter(pk=manager_api.api_client.pk).update(
        created_at=timezone.now() - timedelta(days=400)
    )

    assert manager_api.get("/api/v1/orders/").status_code == 200


def test_a_key_is_read_with_its_users_permissions_direct_and_through_groups(make_key):
    from django.contrib.auth.models import Permission

    from accounts.permission_cache import all_permissions
    from api.selectors import api_client_for_key

    client, key = make_key(roles=[Role.MANAGER])
    client.user.user_permissions.add(Permission.objects.get(codename="view_all_orders"))

    found = api_client_for_key(key)

    names = set(found.permission_names.split(","))
    assert names == all_permissions(client.user)
    assert "orders.view_all_orders" in names
    assert "orders.process_order" in names  # through the manager group
