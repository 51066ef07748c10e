from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import translation
from rest_framework.test import APIClient

from accounts.roles import Role
from api.services import api_client_create
from tests.catalog.factories import ItemFactory, OrderFormFieldFactory
from tests.factories import CustomerFactory


@pytest.fixture(autouse=True)
def english():
    """Messages asserted in their English source; the product speaks Russian by default."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def no_throttle_leaks(settings):
    # The rate cache outlives a test; each test starts with empty buckets.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def make_key(db):
    """`make_key(roles=[...], scopes=[...])` -> (ApiClient, key)."""

    def make(*, roles=(Role.MANAGER,), scopes=("read", "write"), name="1C"):
        groups = Group.objects.filter(name__in=[str(role) for role in roles])
        return api_client_create(name=name, scopes=scopes, groups=groups)

    return make


@pytest.fixture
def keyed(make_key):
    """`keyed(roles=..., scopes=...)` -> an APIClient sending that key, `.api_client` set."""

    def make(**kwargs):
        client, key = make_key(**kwargs)
        http = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        http.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        http.api_client = client
        http.key = key
        return http

    return make


@pytest.fixture
def manager_api(keyed):
    return keyed(roles=[Role.MANAGER])


@pytest.fixture
def admin_api(keyed):
    return keyed(roles=[Role.ADMIN])


@pytest.fixture
def read_api(keyed):
    return keyed(roles=[Role.ADMIN], scopes=["read"])


@pytest.fixture
def catalog(db):
    """A customer and a sofa (with a required fabric choice) known by external IDs."""
    customer = CustomerFactory(external_id="C-1")
    sofa = ItemFactory(external_id="SKU-1", sku="SKU-1", price=Decimal("45000.00"), name="Диван")
    OrderFormFieldFactory(item=sofa, name="fabric", choice=True, required=True)
    chair = ItemFactory(external_id="SKU-2", sku="SKU-2", price=Decimal("1000.00"))
    return {"customer": customer, "sofa": sofa, "chair": chair}
