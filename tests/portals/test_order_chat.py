"""The order chat and feedback panels in the client and manager portals: access per
order, htmx and plain posts, the poll, errors on the field, query bounds."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from conversations.models import Feedback, OrderMessage
from conversations.services import feedback_leave, message_post
from notifications.models import OutboxMessage
from orders.lifecycle import DeliveryStatus, State
from tests.factories import ContactFactory, UserFactory
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def contact(db):
    return ContactFactory()


@pytest.fixture
def manager(db):
    return UserFactory(role=Role.MANAGER, first_name="Анна", last_name="Петрова")


@pytest.fixture
def order(contact, manager):
    return OrderFactory(customer=contact.customer, contact=contact, manager=manager)


@pytest.fixture
def delivered(contact, manager):
    return OrderFactory(
        customer=contact.customer,
        contact=contact,
        manager=manager,
        state=State.DELIVERY,
        delivery_status=DeliveryStatus.HANDED_TO_CLIENT,
    )


def _browser(user) -> Client:
    """A logged-in browser in English, so texts are asserted in their source language."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def client_browser(contact):
    return _browser(contact.user)


@pytest.fixture
def manager_browser(manager):
    return _browser(manager)


def _url(portal, name, order):
    return reverse(f"portals_{portal}:{name}", args=[order.pk])


def _written():
    return (OrderMessage.objects.count(), Feedback.objects.count(), OutboxMessage.objects.count())


# Client portal: access


def test_another_companys_order_is_404_for_chat_poll_post_and_feedback(client_browser, manager):
    other_contact = ContactFactory()
    other = OrderFactory(
        customer=other_contact.customer,
        contact=other_contact,
        state=State.CLOSED,
        number="T-SECRET-1",
    )
    message_post(order=other, author=other_contact.user, body="Секретный вопрос")
    before = _written()

    responses = [
        client_browser.get(_url("client", "order_chat", other)),
        client_browser.get(_url("client", "order_chat", other), **HTMX),
        client_browser.get(_url("client", "order_chat_poll", other), {"after": 0}),
        client_browser.get(_url("client", "order_feedback", other)),
        client_browser.post(_url("client", "order_chat_post", other), {"body": "Привет"}),
        client_browser.post(_url("client", "order_chat_post", other), {"body": "x"}, **HTMX),
        client_browser.post(_url("client", "order_feedback", other), {"rating": "1"}),
    ]

    for response in responses:
        assert response.status_code == 404
        assert b"T-SECRET-1" not in response.content
        assert "Секретный".encode() not in response.content
    assert _written() == before


def test_anonymous_users_go_to_login_and_staff_get_403_on_client_chat(order, manager):
    urls = [_url("client", name, order) for name in ("order_chat", "order_feedback")]
    posts = [_url("client", name, order) for name in ("order_chat_post", "order_feedback")]

    for url in urls:
        assert Client().get(url).status_code == 302
        assert _browser(manager).get(url).status_code == 403
    for url in posts:
        assert Client().post(url, {"body": "x"}).status_code == 302
        assert _browser(manager).post(url, {"body": "x", "rating": "5"}).status_code == 403
    assert _written() == (0, 0, 0)


def test_chat_urls_answer_only_their_methods(client_browser, order):
    assert client_browser.get(_url("client", "order_chat_post", order)).status_code == 405
    assert client_browser.post(_url("client", "order_chat_poll", order)).status_code == 405


# Client portal: the chat


def test_the_order_page_loads_the_chat_and_feedback_panels(client_browser, order):
    page = client_browser.get(_url("client", "order_page", order)).content.decode()

    assert f'hx-get="{_url("client", "order_chat", order)}"' in page
    assert f'hx-get="{_url("client", "order_feedback", order)}"' in page


def test_chat_panel_lists_messages_with_authors_and_a_poll_after_the_last(
    client_browser, order, contact, manager
):
    first = message_post(order=order, author=contact.user, body="Когда доставка?")
    last = message_post(order=order, author=manager, body="В пятницу")

    response = client_browser.get(_url("client", "order_chat", order), **HTMX)

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert page.index("Когда доставка?") < page.index("В пятницу")
    assert "Анна Петрова" in page
    assert str(contact.user) in page
    assert f'data-message-id="{first.pk}"' in page
    poll = f'hx-get="{_url("client", "order_chat_poll", order)}?after={last.pk}"'
    assert poll in page
    assert 'hx-trigger="every 10s"' in page


def test_without_htmx_the_chat_is_a_page_of_its_own(client_browser, order):
    response = client_browser.get(_url("client", "order_chat", order))

    page = response.content.decode()
    assert "<html" in page
    assert "No messages yet." in page
    assert f'action="{_url("client", "order_chat_post", order)}"' in page


def test_htmx_post_adds_the_message_and_returns_the_panel_with_an_empty_form(
    client_browser, order, contact
):
    response = client_browser.post(
        _url("client", "order_chat_post", order), {"body": "  Можно раньше?  "}, **HTMX
    )

    message = OrderMessage.objects.get()
    assert (message.order, message.author, message.body) == (order, contact.user, "Можно раньше?")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="order-chat"' in page
    assert f'data-message-id="{message.pk}"' in page
    assert "></textarea>" in page  # the form is empty again
    assert OutboxMessage.objects.get().topic == "order.message_posted"


def test_plain_post_redirects_to_the_order_with_a_message(client_browser, order):
    response = client_browser.post(_url("client", "order_chat_post", order), {"body": "Вопрос"})

    assert response.status_code == 302
    assert response.url == f"{_url('client', 'order_page', order)}#order-chat"
    assert OrderMessage.objects.get().body == "Вопрос"
    page = client_browser.get(response.url)
    assert [str(m) for m in page.context["messages"]] == ["Your message was sent."]


@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "plain"])
@pytest.mark.parametrize("data", [{}, {"body": "   "}], ids=["missing", "blank"])
def test_a_missing_message_comes_back_with_the_field_marked(client_browser, order, headers, data):
    response = client_browser.post(_url("client", "order_chat_post", order), data, **headers)

    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="form-control is-invalid" id="chat-body"' in page
    assert "This field is required." in page
    assert _written() == (0, 0, 0)


def test_a_refusal_from_the_service_is_shown_on_its_field(client_browser, order):
    response = client_browser.post(
        _url("client", "order_chat_post", order), {"body": "a\x00b"}, **HTMX
    )

    page = response.content.decode()
    assert 'class="form-control is-invalid" id="chat-body"' in page
    assert "Null characters are not allowed." in page
    assert _written() == (0, 0, 0)


def test_csrf_stays_on_for_chat_and_feedback_posts(contact, delivered):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(contact.user)

    chat = browser.post(_url("client", "order_chat_post", delivered), {"body": "Привет"}, **HTMX)
    feedback = browser.post(_url("client", "order_feedback", delivered), {"rating": "5"})

    assert (chat.status_code, feedback.status_code) == (403, 403)
    assert _written() == (0, 0, 0)


# Client portal: the poll


def test_poll_returns_only_newer_messages_and_a_poller_after_the_newest(
    client_browser, order, contact, manager
):
    first = message_post(order=order, author=contact.user, body="Первое")
    second = message_post(order=order, author=manager, body="Второе")
    third = message_post(order=order, author=manager, body="Третье")

    response = client_browser.get(
        _url("client", "order_chat_poll", order), {"after": first.pk}, **HTMX
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Первое" not in page
    assert page.index("Второе") < page.index("Третье")
    assert f'data-message-id="{second.pk}"' in page
    assert f'?after={third.pk}"' in page


def test_poll_with_nothing_newer_is_204_so_the_page_keeps_polling(client_browser, order, contact):
    message = message_post(order=order, author=contact.user, body="Привет")

    response = client_browser.get(_url("client", "order_chat_poll", order), {"after": message.pk})

    assert response.status_code == 204
    assert response.content == b""


@pytest.mark.parametrize("after", ["", "x", "1.5"])
def test_poll_without_a_number_is_400(client_browser, order, after):
    response = client_browser.get(_url("client", "order_chat_poll", order), {"after": after})

    assert response.status_code == 400


def _poll_queries(browser, url) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(url, {"after": 0}, **HTMX)
    assert response.status_code == 200
    return len(queries), response.content.decode().count('data-testid="chat-message"')


def test_poll_queries_do_not_grow_with_the_messages(client_browser, contact, manager):
    few, many = (
        OrderFactory(customer=contact.customer, contact=contact, manager=manager) for _ in range(2)
    )
    for n in range(5):
        message_post(order=few, author=manager, body=f"#{n}")
    for n in range(50):
        author = contact.user if n % 2 else manager
        message_post(order=many, author=author, body=f"#{n}")

    queries_5, shown_5 = _poll_queries(client_browser, _url("client", "order_chat_poll", few))
    queries_50, shown_50 = _poll_queries(client_browser, _url("client", "order_chat_poll", many))

    assert (shown_5, shown_50) == (5, 50)
    assert queries_50 <= queries_5


# Client portal: feedback


def test_feedback_form_offers_ratings_one_to_five_once_the_order_is_received(
    client_browser, delivered
):
    response = client_browser.get(_url("client", "order_feedback", delivered), **HTMX)

    page = response.content.decode()
    assert page.count('type="radio" name="rating"') == 5
    for rating in range(1, 6):
        assert f'id="feedback-rating-{rating}" value="{rating}"' in page
    assert 'name="comment"' in page


def test_no_feedback_panel_before_the_order_is_received(client_browser, order):
    htmx = client_browser.get(_url("client", "order_feedback", order), **HTMX)
    plain = client_browser.get(_url("client", "order_feedback", order))

    assert (htmx.status_code, htmx.content) == (200, b"")
    assert "You can rate the order once you have received it." in plain.content.decode()


def test_leaving_feedback_shows_it_instead_of_the_form(client_browser, delivered, contact):
    response = client_browser.post(
        _url("client", "order_feedback", delivered), {"rating": "4", "comment": "Хорошо"}, **HTMX
    )

    feedback = Feedback.objects.get()
    assert (feedback.order, feedback.author, feedback.rating) == (delivered, contact.user, 4)
    page = response.content.decode()
    assert "Rating: 4 of 5" in page
    assert "Хорошо" in page
    assert 'data-testid="feedback-form"' not in page
    assert OutboxMessage.objects.get().topic == "order.feedback_left"


def test_plain_feedback_post_redirects_to_the_order(client_browser, delivered):
    response = client_browser.post(_url("client", "order_feedback", delivered), {"rating": "5"})

    assert response.status_code == 302
    assert response.url == f"{_url('client', 'order_page', delivered)}#order-feedback"
    assert Feedback.objects.get().rating == 5


def test_a_second_feedback_is_refused_with_a_clear_message(client_browser, delivered, contact):
    feedback_leave(order=delivered, author=contact.user, rating=5, comment="Отлично")

    response = client_browser.post(
        _url("client", "order_feedback", delivered), {"rating": "1"}, **HTMX
    )

    page = response.content.decode()
    assert "You have already left feedback on this order. Thank you!" in page
    assert "Rating: 5 of 5" in page
    assert Feedback.objects.get().rating == 5
    assert OutboxMessage.objects.count() == 1


def test_feedback_before_delivery_is_refused_and_nothing_is_written(client_browser, order):
    response = client_browser.post(_url("client", "order_feedback", order), {"rating": "5"})

    assert "You can rate the order once you have received it." in response.content.decode()
    assert _written() == (0, 0, 0)


@pytest.mark.parametrize("rating", [None, "0", "6", "x"])
def test_a_missing_or_wrong_rating_comes_back_with_the_field_marked(
    client_browser, delivered, rating
):
    data = {"comment": "Без оценки"} if rating is None else {"rating": rating}

    response = client_browser.post(_url("client", "order_feedback", delivered), data, **HTMX)

    page = response.content.decode()
    assert 'class="form-check-input is-invalid"' in page
    assert 'id="feedback-rating-errors"' in page
    assert ("This field is required." if rating is None else "Select a valid choice.") in page
    if rating is None:
        assert "Без оценки" in page  # what was typed is kept
    assert _written() == (0, 0, 0)


# Manager portal


def test_manager_order_page_loads_the_conversation(manager_browser, order):
    page = manager_browser.get(_url("manager", "order_page", order)).content.decode()

    assert f'hx-get="{_url("manager", "order_chat", order)}"' in page


def test_manager_panel_shows_the_feedback_and_the_chat_with_a_form(
    manager_browser, delivered, contact
):
    message_post(order=delivered, author=contact.user, body="Спасибо за доставку")
    feedback_leave(order=delivered, author=contact.user, rating=3, comment="Долго ехало")

    response = manager_browser.get(_url("manager", "order_chat", delivered), **HTMX)

    page = response.content.decode()
    assert "Rating: 3 of 5" in page
    assert "Долго ехало" in page
    assert "Спасибо за доставку" in page
    assert 'data-testid="chat-form"' in page
    assert f"{_url('manager', 'order_chat_poll', delivered)}?after=" in page


def test_manager_replies_and_the_client_is_notified(manager_browser, order, manager):
    response = manager_browser.post(
        _url("manager", "order_chat_post", order), {"body": "Отгрузим завтра"}, **HTMX
    )

    message = OrderMessage.objects.get()
    assert (message.author, message.is_from_client) == (manager, False)
    assert f'data-message-id="{message.pk}"' in response.content.decode()
    assert OutboxMessage.objects.get().payload["from_client"] is False


def test_manager_poll_returns_only_newer_messages(manager_browser, order, contact):
    first = message_post(order=order, author=contact.user, body="Раз")
    message_post(order=order, author=contact.user, body="Два")

    response = manager_browser.get(_url("manager", "order_chat_poll", order), {"after": first.pk})

    page = response.content.decode()
    assert "Два" in page
    assert "Раз" not in page


def test_a_director_reads_the_chat_but_may_not_post(order, contact):
    message_post(order=order, author=contact.user, body="Вопрос директору")
    director = _browser(UserFactory(role=Role.DIRECTOR))

    panel = director.get(_url("manager", "order_chat", order), **HTMX)
    post = director.post(_url("manager", "order_chat_post", order), {"body": "Ответ"}, **HTMX)

    assert "Вопрос директору" in panel.content.decode()
    assert 'data-testid="chat-form"' not in panel.content.decode()
    assert post.status_code == 403
    assert OrderMessage.objects.count() == 1


@pytest.mark.parametrize("role", [Role.WAREHOUSE, Role.COURIER])
def test_warehouse_and_courier_may_answer_the_client(order, role):
    response = _browser(UserFactory(role=role)).post(
        _url("manager", "order_chat_post", order), {"body": "Уточню"}
    )

    assert response.status_code == 302
    assert OrderMessage.objects.get().is_from_client is False


def test_client_users_get_403_on_the_manager_chat(order, contact):
    browser = _browser(contact.user)

    for name in ("order_chat", "order_chat_poll"):
        assert browser.get(_url("manager", name, order), {"after": 0}).status_code == 403
    assert browser.post(_url("manager", "order_chat_post", order), {"body": "x"}).status_code == 403
    assert _written() == (0, 0, 0)


def test_manager_missing_message_comes_back_with_the_field_marked(manager_browser, order):
    response = manager_browser.post(_url("manager", "order_chat_post", order), {}, **HTMX)

    assert 'class="form-control is-invalid" id="chat-body"' in response.content.decode()
    assert _written() == (0, 0, 0)


def test_manager_poll_queries_do_not_grow_with_the_messages(manager_browser, contact, manager):
    few, many = (OrderFactory(customer=contact.customer, contact=contact) for _ in range(2))
    for n in range(5):
        message_post(order=few, author=contact.user, body=f"#{n}")
    for n in range(50):
        message_post(order=many, author=contact.user, body=f"#{n}")

    queries_5, _shown = _poll_queries(manager_browser, _url("manager", "order_chat_poll", few))
    queries_50, _shown = _poll_queries(manager_browser, _url("manager", "order_chat_poll", many))

    assert queries_50 <= queries_5


def test_customer_card_history_has_chat_and_feedback_among_the_events(
    manager_browser, delivered, contact, manager
):
    message_post(order=delivered, author=contact.user, body="Где мой заказ?")
    message_post(order=delivered, author=manager, body="Уже у вас")
    feedback_leave(order=delivered, author=contact.user, rating=5, comment="Всё отлично")

    url = reverse("portals_manager:customer_card", args=[contact.customer.pk])

    with CaptureQueriesContext(connection) as few:
        response = manager_browser.get(url)
    for n in range(40):
        message_post(order=delivered, author=manager, body=f"#{n}")
    with CaptureQueriesContext(connection) as many:
        longer = manager_browser.get(url)

    kinds = [entry.kind for entry in response.context["history"]]
    assert kinds == ["feedback", "message", "message"]
    page = response.content.decode()
    assert "Где мой заказ?" in page
    assert "Rating: 5 of 5 — Всё отлично" in page
    assert len(longer.context["history"]) == 30
    assert len(many) == len(few)
