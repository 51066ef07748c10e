"""The board in two browsers: a manager drags an order from production to delivery and the
other board follows on its next poll; a courier's drag into payment is refused with the reason."""

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from orders.lifecycle import State
from tests.e2e.test_client_orders import _log_in
from tests.factories import UserFactory
from tests.orders.factories import OrderFactory, WorkflowFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("role_groups"),
]


def _board(browser, live_server, username):
    page = browser.new_context(locale="ru-RU").new_page()
    page.set_default_timeout(15000)
    _log_in(page, live_server, username)
    page.goto(f"{live_server.url}/manager/board/?kind=product")
    return page


def _drag(page, source, target):
    """HTML5 drag and drop as the browser delivers it: `drag_to` and mouse moves reach
    only `dragstart` in this headless Chromium, so the events are dispatched in order,
    sharing one DataTransfer, to the same listeners a person's drag reaches."""
    data = page.evaluate_handle("() => new DataTransfer()")
    source.dispatch_event("dragstart", {"dataTransfer": data})
    target.dispatch_event("dragenter", {"dataTransfer": data})
    target.dispatch_event("dragover", {"dataTransfer": data})
    target.dispatch_event("drop", {"dataTransfer": data})
    source.dispatch_event("dragend", {"dataTransfer": data})


def test_a_drag_moves_the_order_and_the_other_board_follows(browser, live_server, settings):
    settings.ORDER_BOARD_POLL_SECONDS = 1
    UserFactory(username="anna", role=Role.MANAGER)
    UserFactory(username="vera", role=Role.MANAGER)
    order = OrderFactory(state=State.PRODUCTION, workflow=WorkflowFactory())
    anna = _board(browser, live_server, "anna")
    vera = _board(browser, live_server, "vera")
    card = f"card-{order.number}"
    expect(vera.get_by_test_id("column-production").get_by_test_id(card)).to_be_visible()

    _drag(anna, anna.get_by_test_id(card), anna.get_by_test_id("column-delivery"))

    # CI runs its two passes at once: a loaded machine may take longer than Playwright's
    # default 5 s to answer the move and to poll it onto the other board.
    notice = anna.get_by_test_id("board-notice").locator(".alert-success")
    expect(notice).to_be_visible(timeout=20_000)
    expect(anna.get_by_test_id("column-delivery").get_by_test_id(card)).to_be_visible()
    expect(vera.get_by_test_id("column-delivery").get_by_test_id(card)).to_be_visible(
        timeout=20_000
    )
    expect(vera.get_by_test_id("column-production").get_by_test_id(card)).to_have_count(0)
    order.refresh_from_db()
    assert order.state == State.DELIVERY
    anna.context.close()
    vera.context.close()


def test_a_couriers_drag_into_payment_is_refused_with_the_reason(browser, live_server, settings):
    settings.ORDER_BOARD_POLL_SECONDS = 60
    UserFactory(username="kostya", role=Role.COURIER)
    order = OrderFactory(state=State.DELIVERY, workflow=WorkflowFactory())
    page = _board(browser, live_server, "kostya")
    card = f"card-{order.number}"

    _drag(page, page.get_by_test_id(card), page.get_by_test_id("column-payment"))

    notice = page.get_by_test_id("board-notice").locator(".alert-danger")
    expect(notice).to_contain_text(order.number)
    expect(notice).to_contain_text("У вас нет прав на это действие с заказом.")
    expect(page.get_by_test_id("column-delivery").get_by_test_id(card)).to_be_visible()
    order.refresh_from_db()
    assert order.state == State.DELIVERY
    page.context.close()
