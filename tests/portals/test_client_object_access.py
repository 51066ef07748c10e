"""Every client-portal URL that takes an id answers 404 for another client's object.

The URLs are read from the resolver, so a new URL with an id fails here until it is
given an object to try: none can slip by untested.
"""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver
from django.utils import timezone

from billing.models import OnlinePayment
from carts.models import Cart, CartLine
from conversations.models import OrderMessage
from orders.models import Invoice, Order, RecurringOrder
from orders.services import LineInput, order_create
from tests.catalog.factories import ItemFactory
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

SECRET = "Секретный комментарий соседа"


@pytest.fixture
def strangers_objects(db):
    """Everything another company's client has: an order with its invoice, a chat message
    with a file, a cart, a schedule and an online payment."""
    stranger = ContactFactory(customer__name="ООО «Чужие»")
    order = order_create(
        customer=stranger.customer,
        contact=stranger,
        kind="product",
        channel=Order.Channel.PORTAL,
        by=stranger.user,
        lines=[LineInput(ItemFactory(price=Decimal("10.00")), 1)],
        comment=SECRET,
    )
    invoice = Invoice.objects.create(
        number=f"{order.number}-1", order=order, kind="final", amount=10, due_date="2030-01-01"
    )
    cart = Cart.objects.create(contact=stranger, status=Cart.Status.SUBMITTED, order=order)
    line = CartLine.objects.create(
        cart=Cart.objects.create(contact=stranger), item=ItemFactory(), quantity=1
    )
    schedule = RecurringOrder.objects.create(
        source_order=order, period="monthly", next_run_at=timezone.now()
    )
    attempt = OnlinePayment.objects.create(order=order, amount=10)
    # A file's name only: the view answers 404 before it would open one.
    message = OrderMessage.objects.create(
        order=order,
        is_from_client=True,
        body=SECRET,
        attachment="conversations/secret.pdf",
        attachment_name="secret.pdf",
    )
    return {
        "message": message.pk,
        "order": order.pk,
        "invoice_slug": f"invoice-{invoice.pk}",
        "cart": cart.pk,
        "cart_line": line.pk,
        "schedule": schedule.pk,
        "attempt": attempt.pk,
    }


# URL name -> how to fill its arguments from the stranger's objects.
ARGUMENTS = {
    "portals_client:order_page": {"pk": "order"},
    "portals_client:order_transition": {"pk": "order", "name": "cancel"},
    "portals_client:order_accept_quote": {"pk": "order"},
    "portals_client:order_confirm_receipt": {"pk": "order"},
    "portals_client:order_repeat": {"pk": "order"},
    "portals_client:order_schedule": {"pk": "order"},
    "portals_client:schedule_stop": {"schedule_id": "schedule"},
    "portals_client:order_pay_from_balance": {"pk": "order"},
    "portals_client:order_chat": {"pk": "order"},
    "portals_client:order_chat_post": {"pk": "order"},
    "portals_client:order_chat_poll": {"pk": "order"},
    "portals_client:order_chat_file": {"pk": "order", "message_id": "message"},
    "portals_client:order_feedback": {"pk": "order"},
    "portals_client:item_page": None,  # the catalog is public to every client
    "portals_client:catalog_category": None,
    "portals_client:cart_line_update": {"pk": "cart_line"},
    "portals_client:cart_line_remove": {"pk": "cart_line"},
    "portals_client:cart_confirmation": {"pk": "cart"},
    "billing:document": {"pk": "order", "slug": "invoice_slug"},
    "billing:pay": {"pk": "order"},
    "billing:online_return": {"attempt_id": "attempt"},
}


def _urls_with_arguments(namespace):
    resolver = get_resolver()
    patterns = resolver.namespace_dict[namespace][1].url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLPattern) and pattern.pattern.converters:
            yield f"{namespace}:{pattern.name}", sorted(pattern.pattern.converters)


def test_every_client_url_with_an_id_is_listed_here():
    found = {
        name: arguments
        for namespace in ("portals_client", "billing")
        for name, arguments in _urls_with_arguments(namespace)
    }
    unlisted = set(found) - set(ARGUMENTS)
    assert not unlisted, f"give these URLs an object in ARGUMENTS: {sorted(unlisted)}"


@pytest.mark.parametrize("name", [name for name, spec in ARGUMENTS.items() if spec])
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_clients_id_is_404_and_leaks_nothing(name, method, strangers_objects):
    from django.urls import reverse

    spec = ARGUMENTS[name]
    kwargs = {
        key: strangers_objects.get(value, value) if isinstance(value, str) else value
        for key, value in spec.items()
    }
    url = reverse(name, kwargs=kwargs)
    me = ContactFactory(customer__name="ООО «Мы»")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(me.user)

    response = getattr(client, method)(url, {"quote": 1, "period": "monthly", "body": "hi"})

    # 405 where the URL takes only the other method: then nothing is reached at all.
    assert response.status_code in (404, 405), (url, response.status_code)
    assert SECRET not in response.content.decode(errors="replace")
    assert Order.objects.filter(customer=me.customer).count() == 0
