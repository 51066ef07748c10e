from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from notifications.models import OutboxMessage
from orders.lifecycle import DeliveryStatus, OrderKind, State
from orders.models import Order, OrderEvent, Quote
from orders.services import LineInput, order_create, order_transition, quote_send
from tests.catalog.factories import ItemFactory, OrderFormFieldFactory
from tests.factories import ContactFactory, UserFactory
from tests.orders.factories import OrderFactory, WorkflowFactory

pytestmark = pytest.mark.django_db

CONFLICT = "The order was changed by someone else. Reload it and try again."


@pytest.fixture
def contact(db):
    return ContactFactory()


@pytest.fixture
def manager(db):
    return UserFactory(role=Role.MANAGER)


@pytest.fixture
def browser(contact):
    """The client's own browser, in English so messages are asserted in their source text."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(contact.user)
    return client


def _order(customer, *, by, lines=1, **kwargs):
    WorkflowFactory(kind=OrderKind.PRODUCT)
    items = [ItemFactory(price=Decimal("1500.00")) for _ in range(lines)]
    return order_create(
        customer=customer,
        kind=kwargs.pop("kind", OrderKind.PRODUCT),
        channel="portal",
        by=by,
        lines=[LineInput(item=item, quantity=2) for item in items],
        **kwargs,
    )


def _quoted_order(customer, *, manager):
    """An order at `quote` with version 1 sent to the client."""
    order = _order(customer, by=manager)
    order = order_transition(order=order, transition="start_quote", by=manager)
    quote = order.quotes.get(status=Quote.Status.DRAFT)
    quote_send(quote=quote, by=manager, valid_until=date(2999, 1, 1), note="Срок 10 дней")
    return Order.objects.get(pk=order.pk), quote


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _snapshot(order):
    order = Order.objects.get(pk=order.pk)
    return (
        order.state,
        order.version,
        order.cancel_reason,
        OrderEvent.objects.filter(order=order).count(),
        OutboxMessage.objects.count(),
    )


# Access


def _urls(order):
    return {
        "get": [
            reverse("portals_client:order_list"),
            reverse("portals_client:order_page", args=[order.pk]),
        ],
        "post": [
            reverse("portals_client:order_transition", args=[order.pk, "cancel"]),
            reverse("portals_client:order_accept_quote", args=[order.pk]),
            reverse("portals_client:order_confirm_receipt", args=[order.pk]),
        ],
    }


def test_anonymous_user_is_sent_to_login(contact):
    order = OrderFactory(customer=contact.customer)
    client = Client()

    for url in _urls(order)["get"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))
    for url in _urls(order)["post"]:
        response = client.post(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_staff_without_the_client_portal_gets_403(contact, manager):
    order = OrderFactory(customer=contact.customer)
    client = Client()
    client.force_login(manager)

    for url in _urls(order)["get"]:
        assert client.get(url).status_code == 403
    for url in _urls(order)["post"]:
        assert client.post(url, {"state": order.state}).status_code == 403


def test_another_companys_order_is_404_for_every_url_and_nothing_changes(browser, manager):
    other, quote = _quoted_order(ContactFactory().customer, manager=manager)
    before = _snapshot(other)

    assert browser.get(reverse("portals_client:order_page", args=[other.pk])).status_code == 404
    posts = {
        reverse("portals_client:order_transition", args=[other.pk, "cancel"]): {
            "state": other.state,
            "reason": "Не нужно",
        },
        reverse("portals_client:order_accept_quote", args=[other.pk]): {"quote": quote.pk},
        reverse("portals_client:order_confirm_receipt", args=[other.pk]): {},
    }
    for url, data in posts.items():
        response = browser.post(url, data)
        assert response.status_code == 404, url
        assert other.number.encode() not in response.content

    assert _snapshot(other) == before
    assert Quote.objects.get(pk=quote.pk).status == Quote.Status.SENT


def test_a_quote_of_another_order_cannot_be_accepted_through_ones_own(browser, contact, manager):
    own = _order(contact.customer, by=manager)
    _other, foreign_quote = _quoted_order(ContactFactory().customer, manager=manager)

    response = browser.post(
        reverse("portals_client:order_accept_quote", args=[own.pk]), {"quote": foreign_quote.pk}
    )

    assert response.status_code == 404
    assert Quote.objects.get(pk=foreign_quote.pk).status == Quote.Status.SENT


# The list


def test_list_shows_only_own_orders_newest_first_with_filters(browser, contact, manager):
    first = _order(contact.customer, by=manager)
    second = _order(contact.customer, by=manager)
    ticket = order_create(
        customer=contact.customer, kind=OrderKind.SUPPORT, channel="portal", by=None, lines=[]
    )
    cancelled = order_transition(
        order=_order(contact.customer, by=manager), transition="cancel", by=manager, reason="x"
    )
    foreign = _order(ContactFactory().customer, by=manager)
    url = reverse("portals_client:order_list")

    everything = browser.get(url)
    by_state = browser.get(url, {"state": State.CANCELLED})
    by_kind = browser.get(url, {"kind": OrderKind.SUPPORT})
    by_both = browser.get(url, {"state": State.REQUEST, "kind": OrderKind.PRODUCT})
    nothing = browser.get(url, {"state": State.DELIVERY})

    assert [o.pk for o in everything.context["orders"]] == [
        cancelled.pk,
        ticket.pk,
        second.pk,
        first.pk,
    ]
    assert foreign.number not in everything.content.decode()
    assert [o.pk for o in by_state.context["orders"]] == [cancelled.pk]
    assert [o.pk for o in by_kind.context["orders"]] == [ticket.pk]
    assert [o.pk for o in by_both.context["orders"]] == [second.pk, first.pk]
    assert list(nothing.context["orders"]) == []
    assert "No orders match these filters." in nothing.content.decode()
    page = everything.content.decode()
    assert reverse("portals_client:order_page", args=[first.pk]) in page
    assert "Request (pre-order)" in page
    assert "Cancelled" in page


def test_list_with_no_orders_says_so(browser):
    response = browser.get(reverse("portals_client:order_list"))

    assert response.status_code == 200
    assert "You have no orders yet." in response.content.decode()


def test_list_pages_by_twenty_and_keeps_the_filter(browser, contact):
    OrderFactory.create_batch(25, customer=contact.customer, state=State.REQUEST)
    OrderFactory.create_batch(2, customer=contact.customer, state=State.QUOTE)
    url = reverse("portals_client:order_list")

    first = browser.get(url, {"state": State.REQUEST})
    second = browser.get(url, {"state": State.REQUEST, "page": 2})

    assert len(first.context["orders"]) == 20
    assert len(second.context["orders"]) == 5
    assert "?state=request&amp;page=2" in first.content.decode()


def test_a_long_list_counts_a_few_pages_ahead_and_every_page_stays_reachable(
    browser, contact, django_assert_max_num_queries
):
    # Ten pages are counted past the one asked for: 245 orders are more than page 1 counts.
    Order.objects.bulk_create(OrderFactory.build_batch(245, customer=contact.customer))
    url = reverse("portals_client:order_list")

    with django_assert_max_num_queries(7) as first_statements:
        first = browser.get(url)
    counts = [q["sql"] for q in first_statements.captured_queries if "COUNT(" in q["sql"]]
    further = browser.get(url, {"page": 12})
    last = browser.get(url, {"page": 13})
    past_the_end = browser.get(url, {"page": 99})
    russian = Client(HTTP_ACCEPT_LANGUAGE="ru")
    russian.force_login(contact.user)

    assert len(counts) == 1
    assert "LIMIT 221" in counts[0]
    assert "Page 1 of more than 11" in first.content.decode()
    assert "?page=2" in first.content.decode()
    assert "Page 12 of 13" in further.content.decode()
    assert len(last.context["orders"]) == 5
    assert "Next" not in last.content.decode()
    assert past_the_end.context["page_obj"].number == 13
    assert "Страница 1 из более чем 11" in russian.get(url).content.decode()


@pytest.mark.parametrize("rows", [5, 50])
def test_list_query_count_does_not_grow_with_rows(
    browser, contact, rows, django_assert_max_num_queries
):
    OrderFactory.create_batch(rows, customer=contact.customer)

    with django_assert_max_num_queries(7):
        response = browser.get(reverse("portals_client:order_list"))

    assert response.status_code == 200


# The order page


def test_order_page_shows_lines_timeline_delivery_and_actions(
    browser, contact, manager, django_assert_max_num_queries
):
    item = ItemFactory(name="Диван", price=Decimal("30000.00"))
    OrderFormFieldFactory(item=item, name="fabric", label="Ткань", required=True)
    WorkflowFactory(kind=OrderKind.PRODUCT)
    order = order_create(
        customer=contact.customer,
        kind=OrderKind.PRODUCT,
        channel="portal",
        by=contact.user,
        lines=[
            LineInput(item=item, quantity=1, custom_values={"fabric": "Велюр"}),
            *(LineInput(item=ItemFactory(), quantity=3) for _ in range(4)),
        ],
    )
    order = order_transition(order=order, transition="start_quote", by=manager)
    quote_send(quote=order.quotes.get(), by=manager)
    order = order_transition(
        order=Order.objects.get(pk=order.pk), transition="cancel", by=manager, reason="Дорого"
    )
    url = reverse("portals_client:order_page", args=[order.pk])

    # +3 over the base page: the prefetched refunds, invoices and documents of the order.
    with django_assert_max_num_queries(16):
        response = browser.get(url)

    page = response.content.decode()
    assert response.status_code == 200
    assert order.number in page
    assert "Ткань: Велюр" in page  # the form's label, not its key
    assert len(response.context["order"].lines.all()) == 5
    assert [entry.action for entry in response.context["timeline"]] == [
        "created",
        "start_quote",
        "quote_sent",
        "cancel",
    ]
    cancel = response.context["timeline"][-1]
    assert (cancel.title, cancel.from_state, cancel.to_state, cancel.detail) == (
        "Order cancelled",
        "Quote",
        "Cancelled",
        "Дорого",
    )
    assert response.context["timeline"][2].title == "Quote sent"
    assert response.context["quote"] is None  # a cancelled order accepts no quote
    assert response.context["transitions"] == []


def test_order_page_offers_the_sent_quote_and_cancel_with_a_reason(
    browser, contact, manager, django_assert_max_num_queries
):
    order, quote = _quoted_order(contact.customer, manager=manager)

    # +3 over the base page: the prefetched refunds, invoices and documents of the order.
    with django_assert_max_num_queries(16):
        response = browser.get(reverse("portals_client:order_page", args=[order.pk]))

    page = response.content.decode()
    assert response.context["quote"] == quote
    assert "Accept quote" in page
    assert [t.name for t in response.context["transitions"]] == ["cancel"]
    assert 'name="reason"' in page
    assert f'name="state" value="{State.QUOTE}"' in page
    assert 'data-testid="delivery"' not in page


def test_order_page_shows_delivery_details_once_shipped(browser, contact):
    order = OrderFactory(
        customer=contact.customer,
        state=State.DELIVERY,
        delivery_status=DeliveryStatus.IN_TRANSIT,
        carrier="СДЭК",
        tracking_number="1234567890",
        expected_delivery_date=date(2030, 5, 17),
    )

    response = browser.get(reverse("portals_client:order_page", args=[order.pk]))

    page = response.content.decode()
    assert "СДЭК" in page
    assert "1234567890" in page
    assert "In transit" in page
    assert response.context["may_confirm_receipt"] is True
    assert "Confirm receipt" in page


# Actions


def test_client_accepts_the_sent_quote(browser, contact, manager):
    order, quote = _quoted_order(contact.customer, manager=manager)

    response = browser.post(
        reverse("portals_client:order_accept_quote", args=[order.pk]),
        {"quote": quote.pk},
        follow=True,
    )

    quote.refresh_from_db()
    assert quote.status == Quote.Status.ACCEPTED
    assert quote.accepted_by == contact.user
    assert _messages(response) == ["You accepted the quote. Your manager will take it from here."]
    assert response.context["timeline"][-1].action == "quote_accepted"
    assert response.context["quote"] is None


def test_accepting_an_already_accepted_quote_is_refused_with_a_message(browser, contact, manager):
    order, quote = _quoted_order(contact.customer, manager=manager)
    url = reverse("portals_client:order_accept_quote", args=[order.pk])
    browser.post(url, {"quote": quote.pk}, follow=True)
    before = _snapshot(order)

    response = browser.post(url, {"quote": quote.pk}, follow=True)

    assert _messages(response) == ["Only the quote sent last can be accepted."]
    assert _snapshot(order) == before


def test_client_cancels_with_a_reason(browser, contact, manager):
    order = _order(contact.customer, by=manager)

    response = browser.post(
        reverse("portals_client:order_transition", args=[order.pk, "cancel"]),
        {"state": State.REQUEST, "reason": "  Передумали  "},
        follow=True,
    )

    order.refresh_from_db()
    assert order.state == State.CANCELLED
    assert order.cancel_reason == "Передумали"
    assert _messages(response) == ["Done: the order is now at “Cancelled”."]
    event = OrderEvent.objects.filter(order=order).last()
    assert (event.action, event.actor, event.from_state) == ("cancel", contact.user, "request")


def test_client_reopens_a_resolved_request_and_is_told_about_the_request(browser, contact):
    ticket = OrderFactory(
        kind=OrderKind.SUPPORT, state=State.RESOLVED, customer=contact.customer, contact=contact
    )

    response = browser.post(
        reverse("portals_client:order_transition", args=[ticket.pk, "reopen"]),
        {"state": State.RESOLVED},
        follow=True,
    )

    ticket.refresh_from_db()
    assert ticket.state == State.IN_PROGRESS
    assert _messages(response) == ["Done: the request is now “In progress”."]
    event = OrderEvent.objects.filter(order=ticket).last()
    assert (event.action, event.actor, event.from_state) == ("reopen", contact.user, "resolved")


def test_cancelling_without_a_reason_names_the_field_and_changes_nothing(browser, contact, manager):
    order = _order(contact.customer, by=manager)
    before = _snapshot(order)

    response = browser.post(
        reverse("portals_client:order_transition", args=[order.pk, "cancel"]),
        {"state": State.REQUEST, "reason": "   "},
        follow=True,
    )

    assert _messages(response) == ["Reason: Give a reason."]
    assert _snapshot(order) == before


def test_a_stale_page_gets_the_conflict_message_and_changes_nothing(browser, contact, manager):
    order = _order(contact.customer, by=manager)
    order_transition(order=order, transition="start_quote", by=manager)
    before = _snapshot(order)

    response = browser.post(
        reverse("portals_client:order_transition", args=[order.pk, "cancel"]),
        {"state": State.REQUEST, "reason": "Передумали"},
        follow=True,
    )

    assert _messages(response) == [CONFLICT]
    assert _snapshot(order) == before


def test_a_transition_the_client_may_not_take_is_refused_and_changes_nothing(browser, contact):
    order = OrderFactory(customer=contact.customer, state=State.CONTRACT)
    before = _snapshot(order)

    response = browser.post(
        reverse("portals_client:order_transition", args=[order.pk, "cancel"]),
        {"state": State.CONTRACT, "reason": "Передумали"},
        follow=True,
    )

    assert _messages(response) == ["You are not allowed to do this with the order."]
    assert _snapshot(order) == before


def test_client_confirms_receipt(browser, contact):
    order = OrderFactory(
        customer=contact.customer,
        state=State.DELIVERY,
        delivery_status=DeliveryStatus.WITH_COURIER,
    )

    response = browser.post(
        reverse("portals_client:order_confirm_receipt", args=[order.pk]), follow=True
    )

    order.refresh_from_db()
    assert order.delivery_status == DeliveryStatus.HANDED_TO_CLIENT
    assert _messages(response) == ["Thank you: the receipt is confirmed."]
    event = OrderEvent.objects.get(order=order)
    assert (event.action, event.actor) == ("delivery_updated", contact.user)
    assert response.context["may_confirm_receipt"] is False
    assert response.context["timeline"][-1].detail == "Handed to client"


def test_confirming_receipt_twice_changes_nothing_the_second_time(browser, contact):
    order = OrderFactory(
        customer=contact.customer,
        state=State.DELIVERY,
        delivery_status=DeliveryStatus.HANDED_TO_CLIENT,
    )
    before = _snapshot(order)

    response = browser.post(
        reverse("portals_client:order_confirm_receipt", args=[order.pk]), follow=True
    )

    assert _messages(response) == ["There is no delivery to confirm for this order now."]
    assert _snapshot(order) == before


# Home


def test_home_links_my_orders_with_the_count(browser, contact):
    OrderFactory.create_batch(3, customer=contact.customer)
    OrderFactory(customer=ContactFactory().customer)

    response = browser.get(reverse("portals_client:home"))

    page = response.content.decode()
    assert response.context["order_count"] == 3
    assert "You have 3 orders." in page
    assert reverse("portals_client:order_list") in page
    assert 'data-testid="balance"' in page
