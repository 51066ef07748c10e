"""Webhook subscriptions: each API client manages its own."""

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

    with django_assert_max_num_queries(3):
        response = manager_api.get("/api/v1/webhooks/")

    assert len(response.json()["results"]) == 20
