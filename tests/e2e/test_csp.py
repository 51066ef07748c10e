"""Pages under the Content-Security-Policy: the confirm questions and the other small
behaviours run from static/js/app.js, and no page asks for anything the policy refuses."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from orders.lifecycle import OrderKind, State
from orders.models import Order, Payment
from orders.services import LineInput, order_create
from tests.catalog.factories import ItemFactory
from tests.e2e.test_client_orders import _log_in
from tests.factories import ContactFactory, LedgerEntryFactory, UserFactory, shipped_email_rule
from tests.orders.factories import OrderFactory, WorkflowFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("role_groups"),
]

# Chromium reports each blocked script, style, handler or form target on the console.
VIOLATION = re.compile(r"Content Security Policy|Refused to", re.IGNORECASE)


@pytest.fixture
def violations(page):
    found = []
    page.on(
        "console", lambda message: VIOLATION.search(message.text) and found.append(message.text)
    )
    page.on("pageerror", lambda error: found.append(f"page error: {error}"))
    return found


def _order_waiting_for_payment(contact, *, balance="1000.00"):
    desk = ItemFactory(name="Стол письменный", price=Decimal("12000.00"))
    workflow = WorkflowFactory(uses_quote=False, uses_contract=False)
    order = order_create(
        customer=contact.customer,
        kind=OrderKind.PRODUCT,
        lines=[LineInput(desk, 1)],
        by=None,
        channel=Order.Channel.MANAGER,
    )
    Order.objects.filter(pk=order.pk).update(
        state=State.PAYMENT, workflow=workflow, prepayment_percent=Decimal("100")
    )
    LedgerEntryFactory(customer=contact.customer, amount=Decimal(balance))
    return order


def test_the_client_confirms_paying_from_the_balance_and_the_payment_is_made(
    page, live_server, violations
):
    contact = ContactFactory(user__username="olga")
    order = _order_waiting_for_payment(contact)
    _log_in(page, live_server, "olga")
    page.goto(f"{live_server.url}/client/orders/{order.pk}/")

    page.get_by_test_id("pay-from-balance").click()
    expect(page.get_by_test_id("confirm-dialog")).to_contain_text(
        "Оплатить с баланса вашего счёта?"
    )
    page.get_by_test_id("confirm-yes").click()

    expect(page.locator(".alert-success")).to_be_visible()
    payment = Payment.objects.get(order=order)
    assert (payment.method, payment.amount) == (Payment.Method.BALANCE, Decimal("1000.00"))
    assert violations == []


def test_dismissing_the_question_sends_nothing(page, live_server, violations):
    contact = ContactFactory(user__username="olga")
    order = _order_waiting_for_payment(contact)
    _log_in(page, live_server, "olga")
    page.goto(f"{live_server.url}/client/orders/{order.pk}/")

    page.get_by_test_id("pay-from-balance").click()
    page.get_by_test_id("confirm-no").click()
    # A request the click might have sent would have been answered by now.
    page.wait_for_load_state("networkidle")

    assert page.url == f"{live_server.url}/client/orders/{order.pk}/"
    assert not Payment.objects.exists()
    assert violations == []


def test_the_manager_confirms_a_cancellation_asked_on_its_button(page, live_server, violations):
    UserFactory(username="anna", role="manager")
    order = _order_waiting_for_payment(ContactFactory())
    _log_in(page, live_server, "anna")
    page.goto(f"{live_server.url}/manager/orders/{order.pk}/")

    page.get_by_label("Причина").fill("Клиент передумал")
    page.get_by_role("button", name="Отменить").click()
    page.get_by_test_id("confirm-yes").click()

    expect(page.get_by_test_id("order-state")).to_have_text("Отменён")
    assert Order.objects.get(pk=order.pk).state == State.CANCELLED
    assert violations == []


def test_the_language_switch_submits_itself(page, live_server, violations):
    page.goto(f"{live_server.url}/accounts/login/")

    page.get_by_label("Язык").select_option("en")

    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    assert violations == []


def test_the_policy_is_enforced_and_its_violations_are_seen(page, live_server, violations):
    page.goto(f"{live_server.url}/accounts/login/")

    # As injected markup would: an inline script and an inline handler.
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.inlineRan = true";
            document.body.append(script);
            document.body.insertAdjacentHTML(
                "beforeend", '<img src="/static/missing.png" onerror="window.handlerRan = true">'
            );
        }"""
    )
    page.wait_for_timeout(500)

    assert page.evaluate("() => [window.inlineRan, window.handlerRan]") == [None, None]
    assert any("script-src" in text for text in violations)


def test_the_api_docs_and_the_django_admin_run_under_the_policy(page, live_server, violations):
    UserFactory(username="root", is_staff=True, is_superuser=True)

    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator("#swagger-ui .info .title")).to_contain_text("Order CRM API")
    _log_in(page, live_server, "root")
    for path in (
        "/django-admin/",
        "/django-admin/accounts/user/",
        "/django-admin/accounts/user/add/",
    ):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("#content")).to_be_visible()

    assert violations == []


def test_the_email_preview_frame_shows_the_email_as_sent(page, live_server, violations):
    UserFactory(username="root", role="admin")
    OrderFactory(customer__name="Acme")
    rule = shipped_email_rule()
    _log_in(page, live_server, "root")

    page.goto(f"{live_server.url}/admin-portal/notifications/{rule.pk}/preview/")

    email = page.frame_locator("iframe.email-preview").locator("body")
    expect(email).to_contain_text("State:")
    # The email's own inline styles apply inside the frame, as in a mail client.
    assert "Arial" in email.evaluate("body => getComputedStyle(body).fontFamily")
    assert violations == []
