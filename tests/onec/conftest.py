import base64
from decimal import Decimal

import pytest

from accounts.roles import Role
from catalog.models import Item
from customers.models import Customer
from integrations.onec.profiles import profile_create
from orders.lifecycle import OrderKind
from orders.models import Order
from orders.services import LineInput, order_create
from tests.catalog.factories import ItemFactory
from tests.factories import CustomerFactory

LOGIN = "1c-exchange"
PASSWORD = "s3cret-1c"


@pytest.fixture(autouse=True)
def private_media_default(settings, tmp_path):
    # Uploads (catalog files, sale files in parts) never land in the checkout's var/.
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def profile(db):
    return profile_create(name="УНФ", login=LOGIN, password=PASSWORD)


@pytest.fixture
def manager(make_staff):
    return make_staff(Role.MANAGER)


ITEM_1C_ID = "a1b2c3d4-0000-4000-8000-0000000000aa"


def _item():
    return Item.objects.filter(external_id=ITEM_1C_ID).first() or ItemFactory(
        external_id=ITEM_1C_ID
    )


@pytest.fixture
def make_order(manager):
    def make(*, customer=None, lines=None, **fields) -> Order:
        customer = customer or CustomerFactory(
            kind=Customer.Kind.COMPANY, inn="7707083893", kpp="770701001"
        )
        lines = lines or [
            LineInput(item=_item(), quantity=2),
            LineInput(
                item=None, name="Сборка", quantity=1, unit_price=Decimal("500.00"), vat_rate=20
            ),
        ]
        return order_create(
            customer=customer,
            kind=fields.pop("kind", OrderKind.PRODUCT),
            lines=lines,
            by=manager,
            channel=Order.Channel.MANAGER,
            **fields,
        )

    return make


def basic_auth(login=LOGIN, password=PASSWORD) -> str:
    return "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode()
