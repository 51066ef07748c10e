"""The client's account page, support requests, and repeating orders."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from catalog.models import Item, SpecialOffer
from customers.models import Customer, LedgerEntry
from orders.lifecycle import OrderKind, State
from orders.models import Order, RecurringOrder
from orders.services import LineInput, order_create
from tests.catalog.factories import ItemFactory
from tests.factories import ContactFactory, LedgerEntryFactory
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(db):
    return ContactFactory(customer__kind=Customer.Kind.COMPANY)


@pytest.fixture
def client(contact):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(contact.user)
    return client


@pytest.fixture
def past_order(contact):
    return order_create(
        customer=contact.customer,
        contact=contact,
        kind=OrderKind.PRODUCT,
        channel=Order.Channel.PORTAL,
        by=contact.user,
        lines=[LineInput(ItemFactory(name="Полка", price=Decimal("700.00")), 3)],
    )


def test_a_client_opens_a_support_request_about_an_order(client, contact, past_order):
    response = client.post(
        "/client/support/new/",
        {
            "subject": "Скрипит полка",
            "description": "Третья полка скрипит при нагрузке.",
            "priority": "high",
            "related_order": past_order.pk,
        },
    )

    ticket = Order.objects.get(kind=OrderKind.SUPPORT)
    assert response.url == f"/client/orders/{ticket.pk}/"
    assert (ticket.state, ticket.subject, ticket.priority) == (State.NEW, "Скрипит полка", "high")
    assert ticket.related_order == past_order
    assert ticket.contact == contact
    listing = client.get("/client/support/").content.decode()
    assert "Скрипит полка" in listing
    page = client.get(f"/client/orders/{ticket.pk}/").content.decode()
    assert past_order.number in page


def test_a_request_without_a_subject_comes_back_marked(client):
    response = client.post("/client/support/new/", {"description": "x", "priority": "normal"})

    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert not Order.objects.filter(kind=OrderKind.SUPPORT).exists()


def test_a_request_cannot_be_about_another_customers_order(client):
    stranger = OrderFactory()

    response = client.post(
        "/client/support/new/",
        {"subject": "x", "description": "y", "priority": "normal", "related_order": stranger.pk},
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Order.objects.filter(kind=OrderKind.SUPPORT).exists()


def test_repeating_an_order_places_a_new_request_with_the_same_lines(client, past_order):
    response = client.post(f"/client/orders/{past_order.pk}/repeat/")

    repeated = Order.objects.exclude(pk=past_order.pk).get()
    assert response.url == f"/client/orders/{repeated.pk}/"
    assert repeated.state == State.REQUEST
    assert repeated.related_order == past_order
    assert [(line.name, line.quantity) for line in repeated.lines.all()] == [
        ("Полка", Decimal("3.000"))
    ]
    assert repeated.total == Decimal("2100.00")


def test_a_withdrawn_item_is_named_and_nothing_is_placed(client, past_order):
    Item.objects.filter(pk=past_order.lines.get().item_id).update(is_active=False)

    response = client.post(f"/client/orders/{past_order.pk}/repeat/", follow=True)

    assert "No longer sold: Полка." in response.content.decode()
    assert Order.objects.count() == 1


def test_a_company_repeats_an_order_monthly_and_stops_it(client, past_order):
    client.post(f"/client/orders/{past_order.pk}/schedule/", {"period": "monthly"})

    schedule = RecurringOrder.objects.get(source_order=past_order)
    home = client.get("/client/").content.decode()
    client.post(f"/client/schedules/{schedule.pk}/stop/")

    assert schedule.period == "monthly"
    assert past_order.number in home
    schedule.refresh_from_db()
    assert not schedule.is_active
    assert past_order.events.filter(action="recurring_stopped").count() == 1


def test_a_private_buyer_is_not_offered_a_schedule(past_order):
    person = ContactFactory(customer__kind=Customer.Kind.PERSON)
    order = OrderFactory(customer=person.customer)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person.user)

    page = client.get(f"/client/orders/{order.pk}/").content.decode()
    client.post(f"/client/orders/{order.pk}/schedule/", {"period": "monthly"})

    assert 'data-testid="schedule-form"' not in page
    assert not RecurringOrder.objects.exists()


def test_another_clients_schedule_cannot_be_stopped(past_order):
    schedule = RecurringOrder.objects.create(
        source_order=past_order, period="weekly", next_run_at="2030-01-01T00:00Z"
    )
    other = ContactFactory()
    client = Client()
    client.force_login(other.user)

    assert client.post(f"/client/schedules/{schedule.pk}/stop/").status_code == 404
    schedule.refresh_from_db()
    assert schedule.is_active


def test_the_account_page_shows_statement_offers_and_service(
    client, contact, past_order, django_assert_max_num_queries
):
    LedgerEntryFactory(customer=contact.customer, amount=Decimal("150.00"), description="Возврат")
    LedgerEntryFactory(
        customer=contact.customer,
        account=LedgerEntry.Account.BONUS,
        kind=LedgerEntry.Kind.BONUS_ACCRUAL,
        amount=Decimal("40"),
    )
    SpecialOffer.objects.create(
        title="Неделя полок", discount_percent=Decimal("10"), starts_on=date(2020, 1, 1)
    )
    Order.objects.filter(pk=past_order.pk).update(
        state=State.SERVICE, service_date=date(2030, 5, 1)
    )

    with django_assert_max_num_queries(14):
        page = client.get("/client/").content.decode()

    assert "Возврат" in page
    assert "Неделя полок" in page
    assert "01.05.2030" in page
    assert 'data-testid="balance"' in page


@pytest.mark.parametrize("count", [3, 40])
def test_the_support_list_costs_the_same_for_many_requests(
    client, contact, count, django_assert_max_num_queries
):
    for number in range(count):
        OrderFactory(
            customer=contact.customer, kind=OrderKind.SUPPORT, state=State.NEW, subject=f"№{number}"
        )

    # Session, user, permissions, the count and the page: the same for 3 or 40.
    with django_assert_max_num_queries(7):
        page = client.get("/client/support/").content.decode()

    assert page.count('href="/client/orders/') >= min(count, 20)


def test_the_next_repeat_is_dated_as_the_client_reads_dates_late_in_the_evening(client, past_order):
    """At 22:30 UTC it is already tomorrow in Moscow: the message names Moscow's date (it
    named the UTC date, a day early, from 21:00 to midnight UTC)."""
    late = datetime(2026, 12, 6, 22, 30, tzinfo=UTC)
    with time_machine.travel(late, tick=False):
        response = client.post(
            f"/client/orders/{past_order.pk}/schedule/", {"period": "monthly"}, follow=True
        )

    schedule = RecurringOrder.objects.get(source_order=past_order)
    assert timezone.localtime(schedule.next_run_at).date() == date(2027, 1, 7)
    assert "the next one on 07.01.2027." in response.content.decode()
