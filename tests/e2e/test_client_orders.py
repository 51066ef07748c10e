from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from orders.lifecycle import OrderKind
from orders.models import Quote
from orders.services import LineInput, order_create, order_transition, quote_send
from tests.catalog.factories import ItemFactory
from tests.factories import TEST_PASSWORD, ContactFactory, UserFactory
from tests.orders.factories import WorkflowFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("role_groups"),
]


def _log_in(page, live_server, username):
    page.goto(f"{live_server.url}/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Войти").click()


def test_client_opens_an_order_and_accepts_the_sent_quote(page, live_server):
    contact = ContactFactory(user__username="elena", customer__name="ООО «Ромашка»")
    manager = UserFactory(role="manager")
    WorkflowFactory(kind=OrderKind.PRODUCT)
    order = order_create(
        customer=contact.customer,
        kind=OrderKind.PRODUCT,
        channel="portal",
        by=contact.user,
        lines=[LineInput(item=ItemFactory(name="Стол", price=Decimal("28000.00")), quantity=1)],
    )
    order = order_transition(order=order, transition="start_quote", by=manager)
    quote = quote_send(quote=order.quotes.get(), by=manager, valid_until=date(2999, 1, 1))

    _log_in(page, live_server, "elena")
    expect(page).to_have_url(f"{live_server.url}/client/")
    page.get_by_test_id("my-orders").click()
    page.get_by_role("link", name=order.number).click()
    expect(page.get_by_test_id("current-quote")).to_be_visible()
    page.get_by_test_id("accept-quote").click()

    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.get_by_test_id("current-quote")).to_have_count(0)
    expect(
        page.locator('[data-testid="timeline-entry"][data-action="quote_accepted"]')
    ).to_be_visible()
    quote.refresh_from_db()
    assert quote.status == Quote.Status.ACCEPTED
    assert quote.accepted_by == contact.user
