"""Abandoned cart reminders: the sweep over the carts' due time, step by step, once each."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from carts.models import Cart
from carts.services import (
    cart_add_item,
    cart_reminder_send,
    cart_reminders_sweep,
    cart_remove_line,
    cart_submit,
)
from notifications.channels import render_message
from notifications.dispatch import outbox_message_dispatch
from notifications.models import Delivery, OutboxMessage
from tests.catalog.factories import ItemFactory

pytestmark = pytest.mark.django_db

FIRST = settings.CART_REMINDER_FIRST_AFTER
SECOND = settings.CART_REMINDER_SECOND_AFTER


@pytest.fixture
def item(db):
    return ItemFactory(name="Стол обеденный", price="12000.00")


@pytest.fixture
def cart(contact, item):
    cart_add_item(by=contact.user, item=item, quantity=1)
    return Cart.objects.get(contact=contact)


def _reminders():
    return list(
        OutboxMessage.objects.filter(topic="cart.reminder")
        .order_by("id")
        .values_list("aggregate_id", "payload__step")
    )


def test_defaults_are_a_day_and_three_days():
    assert timedelta(hours=24) == FIRST
    assert timedelta(hours=72) == SECOND


def test_adding_an_item_makes_the_first_reminder_due_a_day_after_the_change(cart):
    assert cart.reminders_sent == 0
    assert cart.reminder_due_at == cart.updated_at + FIRST


def test_the_sweep_sends_the_first_after_24_hours_and_the_second_after_72_once_each(cart):
    changed = cart.updated_at

    assert cart_reminders_sweep(now=changed + FIRST - timedelta(minutes=1)) == {
        "first": 0,
        "second": 0,
    }
    assert _reminders() == []

    assert cart_reminders_sweep(now=changed + FIRST) == {"first": 1, "second": 0}
    assert cart_reminders_sweep(now=changed + FIRST + timedelta(hours=1)) == {
        "first": 0,
        "second": 0,
    }
    cart.refresh_from_db()
    assert (cart.reminders_sent, cart.reminder_due_at) == (1, changed + SECOND)
    assert cart.updated_at == changed  # a reminder is no change of the cart

    assert cart_reminders_sweep(now=changed + SECOND - timedelta(minutes=1))["second"] == 0
    assert cart_reminders_sweep(now=changed + SECOND) == {"first": 0, "second": 1}
    assert cart_reminders_sweep(now=changed + SECOND * 10) == {"first": 0, "second": 0}

    cart.refresh_from_db()
    assert (cart.reminders_sent, cart.reminder_due_at) == (2, None)
    assert _reminders() == [(cart.pk, 1), (cart.pk, 2)]


def test_a_step_sent_twice_writes_one_outbox_row(cart):
    due = cart.reminder_due_at
    assert cart_reminder_send(cart_id=cart.pk, now=due) == 1
    # A second sweep that read the cart before the first committed finds it not due.
    assert cart_reminder_send(cart_id=cart.pk, now=due) is None
    assert _reminders() == [(cart.pk, 1)]


def test_a_submitted_cart_is_never_reminded(cart, contact):
    cart_submit(by=contact.user, cart=cart)
    cart.refresh_from_db()

    assert cart.reminder_due_at is None
    assert cart_reminders_sweep(now=cart.updated_at + SECOND * 2) == {"first": 0, "second": 0}
    assert _reminders() == []


def test_an_emptied_cart_is_never_reminded(cart, contact):
    cart_remove_line(by=contact.user, line=cart.lines.get())
    cart.refresh_from_db()

    assert cart.reminder_due_at is None
    assert cart_reminders_sweep(now=cart.updated_at + SECOND * 2) == {"first": 0, "second": 0}
    assert _reminders() == []


def test_a_cart_emptied_behind_the_due_time_is_cleared_and_not_reminded(cart):
    # Lines gone without the service (say, an item deleted from the catalog).
    cart.lines.all().delete()

    assert cart_reminder_send(cart_id=cart.pk, now=cart.reminder_due_at) is None
    cart.refresh_from_db()
    assert cart.reminder_due_at is None
    assert _reminders() == []


def test_changing_the_cart_after_the_first_reminder_moves_the_second(cart, contact, item):
    cart_reminder_send(cart_id=cart.pk, now=cart.reminder_due_at)
    cart_add_item(by=contact.user, item=item, quantity=2)
    cart.refresh_from_db()

    assert cart.reminders_sent == 1
    assert cart.reminder_due_at == cart.updated_at + SECOND


@override_settings(
    CART_REMINDER_FIRST_AFTER=timedelta(hours=2), CART_REMINDER_SECOND_AFTER=timedelta(hours=5)
)
def test_the_times_come_from_the_settings(contact, item):
    cart_add_item(by=contact.user, item=item, quantity=1)
    cart = Cart.objects.get(contact=contact)

    assert cart.reminder_due_at == cart.updated_at + timedelta(hours=2)
    cart_reminder_send(cart_id=cart.pk, now=cart.reminder_due_at)
    cart.refresh_from_db()
    assert cart.reminder_due_at == cart.updated_at + timedelta(hours=5)


def test_a_reminder_reaches_the_client_by_email_and_in_app_with_a_link_to_the_cart(cart, contact):
    cart_reminders_sweep(now=cart.reminder_due_at)
    message = OutboxMessage.objects.get(topic="cart.reminder")

    outbox_message_dispatch(message.pk)

    deliveries = Delivery.objects.filter(outbox_message=message).order_by("channel")
    assert [(d.channel, d.recipient, d.message_key) for d in deliveries] == [
        ("email", contact.user, "cart_reminder"),
        ("in_app", contact.user, "cart_reminder"),
    ]
    assert deliveries[0].address == contact.user.email
    rendered = render_message(deliveries[0])
    assert rendered["subject"] == "Вы оставили товары в корзине"  # the client's language
    assert rendered["url"] == f"{settings.SITE_URL}{reverse('portals_client:cart')}"
    assert rendered["url"] in rendered["text"]


def test_the_second_reminder_has_its_own_text(cart):
    changed = cart.updated_at
    cart_reminders_sweep(now=changed + FIRST)
    cart_reminders_sweep(now=changed + SECOND)
    second = OutboxMessage.objects.get(topic="cart.reminder", payload__step=2)

    outbox_message_dispatch(second.pk)

    assert set(
        Delivery.objects.filter(outbox_message=second).values_list("message_key", flat=True)
    ) == {"cart_reminder_last"}
