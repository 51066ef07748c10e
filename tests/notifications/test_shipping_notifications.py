"""What shipping tells whom: each delivery sub-status reaches the client by email and in-app
with the carrier, tracking number and tracking link; the warehouse hears of production, the
director of payments. The default rules come from a migration and stay editable."""

import pytest
from django.core import mail

from accounts.roles import Role
from notifications.dispatch import delivery_attempt, outbox_message_dispatch
from notifications.models import Notification, NotificationRule, OutboxMessage
from notifications.rules import notification_rule_deactivate
from orders.lifecycle import DeliveryStatus, State
from orders.models import Carrier
from orders.services import delivery_update, order_ship, order_transition, payment_record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LINK = "https://www.cdek.ru/ru/tracking?order_id=CD-42"


def _deliver_all() -> list:
    deliveries = []
    for message in OutboxMessage.objects.filter(status="pending").order_by("id"):
        deliveries += outbox_message_dispatch(message.pk)
    for delivery_id in deliveries:
        assert delivery_attempt(delivery_id) == "delivered"
    return deliveries


@pytest.fixture
def shipped(placed_order, people):
    """An order shipped by СДЭК with a tracking number; the messages so far delivered."""
    manager = people["manager"]
    order = placed_order()
    # The stages before are not what is tested here.
    Order = type(order)  # noqa: N806
    Order.objects.filter(pk=order.pk).update(state=State.PRODUCTION)
    order = Order.objects.get(pk=order.pk)
    _deliver_all()
    Notification.objects.all().delete()
    mail.outbox.clear()
    order_ship(
        order=order,
        by=manager,
        carrier=Carrier.objects.get(name="СДЭК"),
        tracking_number="CD-42",
    )
    return Order.objects.get(pk=order.pk)


def test_the_shipped_message_carries_carrier_tracking_and_link(shipped, people):
    _deliver_all()

    notification = Notification.objects.get(recipient=people["client"])
    assert "СДЭК" in notification.body
    assert "CD-42" in notification.body
    assert LINK in notification.body
    (email,) = [m for m in mail.outbox if "buyer@example.com" in m.to]
    assert LINK in email.body
    assert LINK in email.alternatives[0][0]


@pytest.mark.parametrize(
    ("status", "subject"),
    [
        (DeliveryStatus.IN_TRANSIT, "в пути"),
        (DeliveryStatus.WITH_COURIER, "у курьера"),
        (DeliveryStatus.AT_PICKUP_POINT, "пункте выдачи"),
        (DeliveryStatus.HANDED_TO_CLIENT, "доставлен"),
    ],
)
def test_each_sub_status_tells_the_client_by_email_and_in_app_with_the_link(
    shipped, people, status, subject
):
    _deliver_all()
    Notification.objects.all().delete()
    mail.outbox.clear()

    delivery_update(order=shipped, by=people["manager"], status=status)
    _deliver_all()

    notification = Notification.objects.get(recipient=people["client"])
    assert subject in notification.title
    assert shipped.number in notification.title
    assert "Перевозчик: СДЭК" in notification.body
    assert "Трек-номер: CD-42" in notification.body
    assert LINK in notification.body
    client_mail = [m for m in mail.outbox if "buyer@example.com" in m.to]
    assert len(client_mail) == 1
    assert LINK in client_mail[0].body


def test_an_unchanged_sub_status_tells_nobody(shipped, people):
    _deliver_all()
    count = Notification.objects.count()

    delivery_update(order=shipped, by=people["manager"], status=DeliveryStatus.HANDED_TO_CARRIER)
    _deliver_all()

    assert Notification.objects.count() == count


def test_without_the_default_rule_the_builtin_message_still_carries_the_link(shipped, people):
    for rule in NotificationRule.objects.filter(topic="order.delivery_status.in_transit"):
        notification_rule_deactivate(rule=rule, by=None)
    _deliver_all()
    Notification.objects.all().delete()

    delivery_update(order=shipped, by=people["manager"], status=DeliveryStatus.IN_TRANSIT)
    _deliver_all()

    notification = Notification.objects.get(recipient=people["client"])
    assert LINK in notification.body
    assert "CD-42" in notification.body


def test_the_warehouse_hears_when_an_order_reaches_production_with_the_expected_date(
    placed_order, people
):
    warehouse = UserFactory(role=Role.WAREHOUSE, email="store@example.com")
    order = placed_order()
    _deliver_all()
    type(order).objects.filter(pk=order.pk).update(
        state=State.PAYMENT, payment_terms="postpay", expected_delivery_date="2031-02-03"
    )
    order = type(order).objects.get(pk=order.pk)
    order.workflow.uses_quote = order.workflow.uses_contract = False
    order.workflow.save()
    Notification.objects.all().delete()
    mail.outbox.clear()

    order_transition(order=order, transition="start_production", by=people["manager"])
    _deliver_all()

    (note,) = Notification.objects.filter(recipient=warehouse)
    assert order.number in note.title
    assert "03.02.2031" in note.body
    assert any("store@example.com" in m.to for m in mail.outbox)
    # The client still hears of it, as before the rules.
    assert Notification.objects.filter(recipient=people["client"]).count() == 1


def test_the_director_hears_when_an_order_is_paid(placed_order, people):
    director = UserFactory(role=Role.DIRECTOR, email="boss@example.com")
    order = placed_order()
    _deliver_all()

    payment_record(order=order, amount=order.total, by=people["manager"], reference="PP-1")
    _deliver_all()

    (note,) = Notification.objects.filter(recipient=director)
    assert order.number in note.title
    assert str(order.total) in note.body
    assert Notification.objects.filter(recipient=people["client"]).count() == 2
    assert Notification.objects.filter(recipient=people["manager"]).count() == 2
