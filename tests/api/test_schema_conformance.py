"""schemathesis against the served schema, through the WSGI app: a few generated
requests per operation, none may give a server error or a response the schema does not
declare (status, content type, body, headers)."""

import os

import hypothesis
import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis.configuration import set_hypothesis_home_dir
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi import checks

from accounts.roles import Role
from api.throttling import ApiKeyRateThrottle
from orders.services import LineInput, order_create

# Hypothesis keeps caches in its home; var/ is where the project keeps local state.
set_hypothesis_home_dir(django_settings.VAR_DIR / "hypothesis")

# A few per operation keeps the suite fast; raise it locally for a deeper search.
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "8"))
CHECKS = [
    not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]


@pytest.fixture
def wsgi_app(db, monkeypatch, settings):
    """The project's WSGI app on the test database.

    Django closes "old" connections around each request; in a test that is the test's
    own connection, inside its transaction, so the signal is off while the app runs.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    # A server error fails the test with its own traceback, not just "500".
    settings.DEBUG_PROPAGATE_EXCEPTIONS = True
    monkeypatch.setattr(ApiKeyRateThrottle, "THROTTLE_RATES", {"api_key": "100000/minute"})
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def admin_key(make_key):
    _client, key = make_key(roles=[Role.ADMIN])
    return key


@pytest.fixture
def api_schema(wsgi_app, catalog, admin_key):
    # Something for the generated IDs to find: customer 1, items 1-2, order 1.
    order_create(
        customer=catalog["customer"],
        kind="product",
        lines=[LineInput(item=catalog["chair"], quantity=1)],
        by=None,
        channel="api",
    )
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,  # every run starts fresh: a bounded, reproducible cost
    suppress_health_check=list(hypothesis.HealthCheck),
)
def test_api_conforms_to_its_schema(case, admin_key):
    case.call_and_validate(headers={"Authorization": f"Bearer {admin_key}"}, checks=CHECKS)


def test_swagger_ui_is_served_without_a_cdn(client):
    response = client.get("/api/docs/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "swagger-ui-bundle.js" in page
    assert "cdn.jsdelivr.net" not in page
    assert "https://" not in page.split("<body")[0]
