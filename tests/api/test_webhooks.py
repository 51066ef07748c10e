"""Webhook subscriptions: each API client manages its own."""

import ipaddress
import socket

import pytest

from api.models import WebhookSubscription
from api.selectors import webhook_subscriptions_for_topic
from api.services import api_client_revoke
from tests.api.helpers import assert_problem

pytestmark = pytest.mark.django_db

URL = "https://erp.example.com/hooks/crm"


def test_create_list_read_update_delete(manager_api):
    created = manager_api.post(
        "/api/v1/webhooks/", {"url": URL, "events": ["order.created", "order.*"]}, format="json"
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["events"] == ["order.*", "order.created"]
    assert len(body["secret"]) >= 40
    assert body["is_active"] is True
    url = f"/api/v1/webhooks/{body['id']}/"

    assert [row["id"] for row in manager_api.get("/api/v1/webhooks/").json()["results"]] == [
        body["id"]
    ]
    assert manager_api.get(url).json()["secret"] == body["secret"]
    replaced = manager_api.put(
        url, {"url": URL + "/v2", "events": ["order.start_quote"]}, format="json"
    )
    assert replaced.status_code == 200
    assert replaced.json()["secret"] == body["secret"]
    patched = manager_api.patch(url, {"is_active": False}, format="json")
    assert patched.json()["is_active"] is False
    assert manager_api.delete(url).status_code == 204
    assert WebhookSubscription.objects.count() == 0


def test_a_client_never_sees_another_clients_subscriptions(keyed):
    owner, stranger = keyed(), keyed()
    subscription = owner.post(
        "/api/v1/webhooks/", {"url": URL, "events": ["order.*"]}, format="json"
    ).json()
    url = f"/api/v1/webhooks/{subscription['id']}/"

    assert stranger.get("/api/v1/webhooks/").json()["results"] == []
    assert_problem(stranger.get(url), 404)
    assert_problem(stranger.patch(url, {"is_active": False}, format="json"), 404)
    assert_problem(stranger.delete(url), 404)
    assert WebhookSubscription.objects.get().is_active


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": URL, "events": ["order.eaten"]}, "events.0"),
        ({"url": URL, "events": []}, "events"),
        ({"url": "ftp://example.com/x", "events": ["order.*"]}, "url"),
        ({"url": "not a url", "events": ["order.*"]}, "url"),
        ({"url": URL, "events": "order.*"}, "events"),
    ],
)
def test_bad_subscriptions_are_422(manager_api, body, field):
    response = manager_api.post("/api/v1/webhooks/", body, format="json")

    assert_problem(response, 422, **{field.replace(".", "__"): ""})
    assert WebhookSubscription.objects.count() == 0


def test_the_secret_cannot_be_set_by_the_client(manager_api):
    response = manager_api.post(
        "/api/v1/webhooks/", {"url": URL, "events": ["order.*"], "secret": "mine"}, format="json"
    )

    assert response.json()["secret"] != "mine"


def test_subscriptions_for_a_topic_honour_wildcards_activity_and_revocation(keyed):
    first, second, revoked = keyed(), keyed(), keyed()
    everything = first.api_client.webhook_subscriptions.create(url=URL, events=["order.*"])
    quotes = second.api_client.webhook_subscriptions.create(url=URL, events=["order.start_quote"])
    second.api_client.webhook_subscriptions.create(
        url=URL, events=["order.start_quote"], is_active=False
    )
    revoked.api_client.webhook_subscriptions.create(url=URL, events=["order.*"])
    api_client_revoke(client=revoked.api_client)

    assert webhook_subscriptions_for_topic(topic="order.start_quote") == [everything, quotes]
    assert webhook_subscriptions_for_topic(topic="order.created") == [everything]


def test_the_list_has_a_fixed_query_count(manager_api, django_assert_max_num_queries):
    for index in range(20):
        manager_api.api_client.webhook_subscriptions.create(
            url=f"{URL}/{index}", events=["order.*"]
        )

    # The key, its last use, its permissions (read once for every request of a key, as for
    # a login: most endpoints check several), the page.
    with django_assert_max_num_queries(4):
        response = manager_api.get("/api/v1/webhooks/")

    assert len(response.json()["results"]) == 20


# Where a subscription may point, and how many a key may have

PUBLIC_ADDRESS = "93.184.215.14"
RESOLVES = {
    "erp.example.com": [PUBLIC_ADDRESS],
    "intranet.example.com": ["10.1.2.3"],
    "split.example.com": [PUBLIC_ADDRESS, "192.168.0.7"],
    "mapped.example.com": ["::ffff:127.0.0.1"],
}


def _fake_getaddrinfo(host, port, *args, **kwargs):
    """A resolver with fixed answers: tests never depend on real DNS."""
    try:
        addresses = RESOLVES.get(host) or [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError as error:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from error
    return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, 0)) for address in addresses]


@pytest.fixture
def public_only(settings, monkeypatch):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    monkeypatch.setattr(socket, "getaddrinfo", _fake_getaddrinfo)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://127.0.0.1/hook", "not a public"),
        ("https://169.254.169.254/latest/meta-data/", "not a public"),
        ("https://10.0.0.5/hook", "not a public"),
        ("https://[::1]/hook", "not a public"),
        ("https://224.0.0.1/hook", "not a public"),
        ("https://240.0.0.1/hook", "not a public"),
        ("https://intranet.example.com/hook", "10.1.2.3"),
        ("https://split.example.com/hook", "192.168.0.7"),
        ("https://mapped.example.com/hook", "not a public"),
        ("https://nowhere.invalid/hook", "does not resolve"),
        ("http://erp.example.com/hook", "https://"),
    ],
)
def test_subscriptions_to_non_public_targets_are_refused_at_creation(
    manager_api, public_only, url, message
):
    response = manager_api.post(
        "/api/v1/webhooks/", {"url": url, "events": ["order.*"]}, format="json"
    )

    assert_problem(response, 422, url=message)
    assert WebhookSubscription.objects.count() == 0


def test_a_public_https_target_is_accepted(manager_api, public_only):
    response = manager_api.post(
        "/api/v1/webhooks/", {"url": URL, "events": ["order.*"]}, format="json"
    )

    assert response.status_code == 201, response.content


def test_changing_the_url_to_a_private_target_is_refused(manager_api, public_only):
    subscription = manager_api.api_client.webhook_subscriptions.create(url=URL, events=["order.*"])

    response = manager_api.patch(
        f"/api/v1/webhooks/{subscription.pk}/", {"url": "https://127.0.0.1/"}, format="json"
    )

    assert_problem(response, 422, url="not a public")
    subscription.refresh_from_db()
    assert subscription.url == URL


def test_private_targets_are_allowed_where_the_setting_allows_them(manager_api, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True

    response = manager_api.post(
        "/api/v1/webhooks/",
        {"url": "http://127.0.0.1:8000/hook", "events": ["order.*"]},
        format="json",
    )

    assert response.status_code == 201, response.content


def test_a_key_has_at_most_the_configured_number_of_subscriptions(keyed, settings):
    assert settings.WEBHOOK_MAX_SUBSCRIPTIONS_PER_KEY == 10
    owner, other = keyed(), keyed()
    for index in range(10):
        created = owner.post(
            "/api/v1/webhooks/", {"url": f"{URL}/{index}", "events": ["order.*"]}, format="json"
        )
        assert created.status_code == 201, created.content

    refused = owner.post("/api/v1/webhooks/", {"url": URL, "events": ["order.*"]}, format="json")
    elsewhere = other.post("/api/v1/webhooks/", {"url": URL, "events": ["order.*"]}, format="json")

    body = assert_problem(refused, 422, non_field_errors="at most 10")
    assert "at most 10 webhook subscriptions" in body["detail"]
    assert owner.api_client.webhook_subscriptions.count() == 10
    assert elsewhere.status_code == 201
