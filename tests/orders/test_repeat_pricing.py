"""A repeated order and a recurring one are priced alike, as a cart is today: the item's
current price and the special offer valid now, never the old order's discounts; their
confirmations say so."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.roles import Role
from catalog.models import Item, SpecialOffer
from notifications.dispatch import delivery_attempt, outbox_message_dispatch
from notifications.models import OutboxMessage
from orders.models import Order, RecurringOrder
from orders.services import (
    LineInput,
    order_create,
    order_repeat,
    recurring_order_create,
    recurring_order_run,
)
from tests.catalog.factories import ItemFactory
from tests.factories import ContactFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def contact(db):
    return ContactFactory(user__email="buyer@example.com", user__language="en")


def _offer(item, percent, *, ends_on=None):
    offer = SpecialOffer.objects.create(
        code=f"offer-{item.pk}-{percent}",
        title="Спецпредложение",
        discount_percent=Decimal(percent),
        starts_on=timezone.localdate() - timedelta(days=10),
        ends_on=ends_on,
    )
    offer.items.add(item)
    return offer


def _placed(contact, item, *, discount="0"):
    """The first order, placed as a cart places it (the discount its offer gave then)."""
    return order_create(
        customer=contact.customer,
        contact=contact,
        kind="product",
        lines=[LineInput(item=item, quantity=2, discount_percent=Decimal(discount))],
        by=contact.user,
        channel=Order.Channel.PORTAL,
    )


def _both_ways(contact, source) -> tuple[Order, Order]:
    """The one-click repeat and the next run of a schedule, of the same order."""
    repeated = order_repeat(order=source, by=contact.user)
    schedule = recurring_order_create(order=source, period=RecurringOrder.Period.MONTHLY, by=None)
    recurring = recurring_order_run(
        schedule_id=schedule.pk, now=schedule.next_run_at + timedelta(minutes=1)
    )
    return repeated, recurring


def test_an_offer_valid_now_is_applied_by_both():
    contact = ContactFactory()
    item = ItemFactory(price=Decimal("59000.00"))
    source = _placed(contact, item)  # placed before the offer began
    _offer(item, "10")

    repeated, recurring = _both_ways(contact, source)

    # 2 × 59,000 less 10%.
    assert source.total == Decimal("118000.00")
    assert repeated.total == recurring.total == Decimal("106200.00")
    assert [line.discount_percent for line in repeated.lines.all()] == [Decimal("10.00")]


def test_an_offer_that_ended_is_applied_by_neither():
    contact = ContactFactory()
    item = ItemFactory(price=Decimal("59000.00"))
    offer = _offer(item, "10")
    source = _placed(contact, item, discount="10")
    SpecialOffer.objects.filter(pk=offer.pk).update(
        ends_on=timezone.localdate() - timedelta(days=1)
    )

    repeated, recurring = _both_ways(contact, source)

    assert source.total == Decimal("106200.00")
    assert repeated.total == recurring.total == Decimal("118000.00")


def test_a_changed_price_is_the_new_price():
    contact = ContactFactory()
    item = ItemFactory(price=Decimal("1000.00"))
    source = _placed(contact, item)
    Item.objects.filter(pk=item.pk).update(price=Decimal("1250.00"))

    repeated, recurring = _both_ways(contact, source)

    assert [line.unit_price for line in repeated.lines.all()] == [Decimal("1250.00")]
    assert repeated.total == recurring.total == Decimal("2500.00")


def test_the_confirmations_say_prices_are_of_today(contact):
    item = ItemFactory(price=Decimal("1000.00"))
    source = _placed(contact, item)
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(contact.user)
    note = f"Prices and offers as of {timezone.localdate():%d.%m.%Y}"

    answer = browser.post(reverse("portals_client:order_repeat", args=[source.pk]), follow=True)
    schedule = recurring_order_create(order=source, period=RecurringOrder.Period.MONTHLY, by=None)
    recurring = recurring_order_run(
        schedule_id=schedule.pk, now=schedule.next_run_at + timedelta(minutes=1)
    )
    mail.outbox.clear()
    for message in OutboxMessage.objects.filter(
        status="pending", aggregate_id=recurring.pk, topic="order.created"
    ):
        for delivery_id in outbox_message_dispatch(message.pk):
            delivery_attempt(delivery_id)

    manager = Client(HTTP_ACCEPT_LANGUAGE="ru")
    manager.force_login(UserFactory(role=Role.MANAGER, language="ru"))
    manager_page = manager.get(reverse("portals_manager:order_page", args=[recurring.pk]))

    page = answer.content.decode()
    assert "at today&#x27;s prices and offers" in page
    ru_note = f"Цены и скидки — на {timezone.localdate():%d.%m.%Y}"
    assert f'data-testid="prices-note">{ru_note}<' in manager_page.content.decode()
    assert f'data-testid="prices-note">{note}<' in page
    source_page = browser.get(reverse("portals_client:order_page", args=[source.pk]))
    assert note not in source_page.content.decode()
    to_client = [message for message in mail.outbox if message.to == ["buyer@example.com"]]
    assert len(to_client) == 1
    assert note in to_client[0].body
