"""Support requests shown as tickets in both portals: what each page shows and leaves out,
internal notes kept from the client everywhere, files in the thread, the priority form, no
documents, bounded queries."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from billing.documents.generate import (
    DocumentSpec,
    DocumentUnavailableError,
    document_get_or_create,
    documents_available,
)
from billing.models import Document
from conversations.models import OrderMessage
from conversations.services import message_post
from notifications.dispatch import delivery_attempt, outbox_message_dispatch
from notifications.models import OutboxMessage
from orders.actions import OrderAction
from orders.errors import OrderValidationError
from orders.lifecycle import OrderKind, State
from orders.models import Order, OrderEvent
from orders.services import order_create, order_transition, ticket_priority_set
from tests.factories import ContactFactory, UserFactory
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
NOTE = "Внутреннее: клиент путает модели"
REPLY = "Пришлите, пожалуйста, фото этикетки"
DESCRIPTION = "Не включается после обновления"


@pytest.fixture
def contact(db):
    return ContactFactory()


@pytest.fixture
def manager(db):
    return UserFactory(role=Role.MANAGER)


@pytest.fixture
def related(contact):
    return OrderFactory(customer=contact.customer, contact=contact, number="R-000777")


@pytest.fixture
def ticket(contact, related):
    ticket = order_create(
        customer=contact.customer,
        contact=contact,
        kind=OrderKind.SUPPORT,
        lines=[],
        by=contact.user,
        channel=Order.Channel.PORTAL,
        subject="Терминал не включается",
        comment=DESCRIPTION,
        priority=Order.Priority.HIGH,
        related_order=related,
    )
    Order.objects.filter(pk=ticket.pk).update(sla_due_at=timezone.now() + timedelta(hours=4))
    ticket.refresh_from_db()
    return ticket


@pytest.fixture
def thread(ticket, manager):
    """A public reply and an internal note on the ticket."""
    return {
        "reply": message_post(order=ticket, author=manager, body=REPLY),
        "note": message_post(order=ticket, author=manager, body=NOTE, is_internal=True),
    }


def _browser(user) -> Client:
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


# The manager's ticket page


def test_the_manager_sees_the_ticket_and_no_order_panels(
    manager_browser, ticket, django_assert_max_num_queries
):
    with django_assert_max_num_queries(17):
        response = manager_browser.get(_url("manager", "order_page", ticket))

    assert response.status_code == 200
    assert response.templates[0].name == "portals/manager/ticket_page.html"
    page = response.content.decode()
    assert "Терминал не включается" in page
    assert DESCRIPTION in page
    assert 'data-testid="ticket-priority">High<' in page
    assert f'href="{_url("manager", "order_page", ticket.related_order)}">R-000777<' in page
    assert timezone.localtime(ticket.sla_due_at).strftime("%d.%m.%Y %H:%M") in page
    assert 'data-testid="transition-take_ticket"' in page
    assert 'data-testid="ticket-priority-form"' in page
    for panel in ('data-testid="money"', 'data-testid="delivery"', "Quotes", "No lines.", "Lines"):
        assert panel not in page


def test_the_query_count_does_not_grow_with_the_history(
    manager_browser, client_browser, ticket, manager, django_assert_max_num_queries
):
    for priority in ["urgent", "low", "high", "normal", "urgent"]:
        ticket_priority_set(order=ticket, priority=priority, by=manager)

    # A fixed cost: the shared order read's prefetches (lines, quotes, money, documents) come
    # back empty for a ticket; the history is one prefetched query however long.

    with django_assert_max_num_queries(17):
        assert manager_browser.get(_url("manager", "order_page", ticket)).status_code == 200
    with django_assert_max_num_queries(15):
        assert client_browser.get(_url("client", "order_page", ticket)).status_code == 200


def test_the_managers_thread_shows_the_internal_note_marked(manager_browser, ticket, thread):
    response = manager_browser.get(_url("manager", "order_chat", ticket), **HTMX)

    page = response.content.decode()
    assert REPLY in page
    assert NOTE in page
    assert f'data-message-id="{thread["note"].pk}" data-side="staff" data-internal="true"' in page
    assert "chat-internal" in page
    assert 'data-testid="chat-internal"' in page  # the checkbox to write another


def test_a_manager_posts_an_internal_note_from_the_page(manager_browser, ticket):
    response = manager_browser.post(
        _url("manager", "order_chat_post", ticket), {"body": NOTE, "is_internal": "on"}, **HTMX
    )

    assert response.status_code == 200
    note = OrderMessage.objects.get()
    assert (note.body, note.is_internal, note.is_from_client) == (NOTE, True, False)
    assert not OutboxMessage.objects.filter(topic="order.message_posted").exists()
    assert NOTE in response.content.decode()


def test_the_client_cannot_post_an_internal_note_through_the_form(client_browser, ticket):
    client_browser.post(
        _url("client", "order_chat_post", ticket), {"body": "Вот фото", "is_internal": "on"}, **HTMX
    )

    message = OrderMessage.objects.get()
    assert (message.is_internal, message.is_from_client) == (False, True)


# The client's ticket page


def test_the_client_sees_the_ticket_without_items_or_money(
    client_browser, ticket, django_assert_max_num_queries
):
    with django_assert_max_num_queries(15):
        response = client_browser.get(_url("client", "order_page", ticket))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Терминал не включается" in page
    assert DESCRIPTION in page
    assert 'data-testid="ticket-priority">High<' in page
    assert f'href="{_url("client", "order_page", ticket.related_order)}">R-000777<' in page
    assert ticket.get_state_display() in page
    for absent in ("No items.", 'data-testid="order-total"', 'data-testid="payment"', "Items"):
        assert absent not in page


def test_another_companys_order_is_never_linked_on_the_clients_page(client_browser, ticket):
    Order.objects.filter(pk=ticket.pk).update(related_order=OrderFactory(number="X-999"))

    page = client_browser.get(_url("client", "order_page", ticket)).content.decode()

    assert "X-999" not in page


def test_the_client_never_sees_the_note_on_the_page_chat_or_poll(client_browser, ticket, thread):
    page = client_browser.get(_url("client", "order_page", ticket)).content.decode()
    chat = client_browser.get(_url("client", "order_chat", ticket), **HTMX).content.decode()
    plain = client_browser.get(_url("client", "order_chat", ticket)).content.decode()
    poll = client_browser.get(
        _url("client", "order_chat_poll", ticket), {"after": 0}, **HTMX
    ).content.decode()
    after_reply = client_browser.get(
        _url("client", "order_chat_poll", ticket), {"after": thread["reply"].pk}, **HTMX
    )

    assert REPLY in chat
    assert REPLY in poll
    for shown in (page, chat, plain, poll):
        assert NOTE not in shown
        assert "chat-internal" not in shown
    assert after_reply.status_code == 204


def test_the_clients_inbox_never_mentions_the_note(client_browser, contact, ticket, thread):
    for outbox in OutboxMessage.objects.all():
        for delivery_id in outbox_message_dispatch(outbox.pk):
            delivery_attempt(delivery_id)

    inbox = client_browser.get(reverse("notifications:list"))
    bell = client_browser.get(reverse("notifications:bell"), **HTMX)

    assert inbox.status_code == 200
    assert inbox.content.decode().count('data-testid="notification"') >= 1
    assert ticket.number in inbox.content.decode()
    assert NOTE not in inbox.content.decode()
    assert NOTE not in bell.content.decode()


def test_the_clients_api_never_carries_the_note_and_lists_no_documents(
    client_browser, ticket, thread
):
    response = client_browser.get(f"/api/v1/orders/{ticket.pk}/")

    assert response.status_code == 200
    assert response.json()["documents"] == []
    assert NOTE not in response.content.decode()


# The priority form


def _priority(browser, ticket, priority="urgent", version=None):
    return browser.post(
        reverse("portals_manager:ticket_priority", args=[ticket.pk]),
        {"priority": priority, "version": ticket.version if version is None else version},
    )


def test_a_manager_changes_the_priority_and_the_history_shows_it(manager_browser, ticket):
    response = _priority(manager_browser, ticket)

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.priority == Order.Priority.URGENT
    assert OrderEvent.objects.filter(action=OrderAction.TICKET_PRIORITY_SET).count() == 1
    page = manager_browser.get(_url("manager", "order_page", ticket)).content.decode()
    assert "Request priority changed" in page
    assert "High → Urgent" in page


@pytest.mark.parametrize("role", [Role.CLIENT, Role.DIRECTOR])
def test_the_priority_is_refused_to_a_client_and_a_director(client_browser, ticket, role):
    browser = client_browser if role == Role.CLIENT else _browser(UserFactory(role=role))
    events = OrderEvent.objects.count()

    response = _priority(browser, ticket)

    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.priority == Order.Priority.HIGH
    assert OrderEvent.objects.count() == events


def test_the_priority_of_a_closed_ticket_is_refused(manager_browser, ticket, manager):
    ticket = order_transition(order=ticket, transition="take_ticket", by=manager)
    ticket = order_transition(order=ticket, transition="resolve", by=manager)
    ticket = order_transition(order=ticket, transition="close_ticket", by=manager)
    events = OrderEvent.objects.count()

    page = manager_browser.get(_url("manager", "order_page", ticket)).content.decode()
    response = _priority(manager_browser, ticket)

    assert 'data-testid="ticket-priority-form"' not in page
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.priority == Order.Priority.HIGH
    assert OrderEvent.objects.count() == events


def test_a_stale_priority_form_is_refused(manager_browser, ticket):
    response = _priority(manager_browser, ticket, version=ticket.version - 1)

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.priority == Order.Priority.HIGH


def test_the_priority_form_is_only_for_tickets(manager_browser, related):
    assert _priority(manager_browser, related).status_code == 404


# No documents for a ticket


def test_a_closed_ticket_has_no_act_or_any_document(client_browser, ticket, manager):
    for transition in ("take_ticket", "resolve", "close_ticket"):
        ticket = order_transition(order=ticket, transition=transition, by=manager)
    ticket = Order.objects.get(pk=ticket.pk)

    api = client_browser.get(f"/api/v1/orders/{ticket.pk}/")
    download = client_browser.get(f"/api/v1/orders/{ticket.pk}/documents/act-1/")
    portal = client_browser.get(reverse("billing:document", args=[ticket.pk, "act-1"]))

    assert ticket.state == State.CLOSED
    assert documents_available(ticket) == []
    assert api.json()["documents"] == []
    assert download.status_code == 404
    assert portal.status_code == 404
    with pytest.raises(DocumentUnavailableError):
        document_get_or_create(
            order=ticket,
            spec=DocumentSpec(Document.Kind.ACT, "act:1", ticket.number, "Act"),
            by=None,
        )
    assert not Document.objects.exists()


# Files in the thread


@pytest.fixture
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


def _file(name="photo.png", content=b"\x89PNG fake"):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_the_clients_file_is_listed_and_downloadable_on_both_pages(
    client_browser, manager_browser, ticket, private_media
):
    client_browser.post(
        _url("client", "order_chat_post", ticket),
        {"body": "Фото экрана", "attachment": _file("../../screen.png")},
        **HTMX,
    )

    message = OrderMessage.objects.get()
    assert message.attachment_name == "screen.png"
    assert message.attachment.name.endswith(f"order-{ticket.pk}-message-{message.pk}.png")
    file_url = reverse("portals_client:order_chat_file", args=[ticket.pk, message.pk])
    staff_url = reverse("portals_manager:order_chat_file", args=[ticket.pk, message.pk])
    for browser, portal, url in (
        (client_browser, "client", file_url),
        (manager_browser, "manager", staff_url),
    ):
        page = browser.get(_url(portal, "order_page", ticket)).content.decode()
        assert f'href="{url}">screen.png<' in page
        download = browser.get(url)
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == b"\x89PNG fake"
        assert 'filename="screen.png"' in download["Content-Disposition"]


def test_a_file_on_an_internal_note_is_never_the_clients(
    client_browser, manager_browser, ticket, manager, private_media
):
    note = message_post(
        order=ticket, author=manager, body=NOTE, is_internal=True, attachment=_file("log.txt")
    )

    client_page = client_browser.get(_url("client", "order_page", ticket)).content.decode()
    manager_page = manager_browser.get(_url("manager", "order_page", ticket)).content.decode()
    client_file = client_browser.get(
        reverse("portals_client:order_chat_file", args=[ticket.pk, note.pk])
    )
    staff_file = manager_browser.get(
        reverse("portals_manager:order_chat_file", args=[ticket.pk, note.pk])
    )

    assert "log.txt" not in client_page
    assert "log.txt" in manager_page
    assert client_file.status_code == 404
    assert staff_file.status_code == 200


def test_another_company_gets_no_file(ticket, manager, private_media):
    message = message_post(order=ticket, author=manager, body=REPLY, attachment=_file())
    stranger = _browser(ContactFactory().user)

    response = stranger.get(reverse("portals_client:order_chat_file", args=[ticket.pk, message.pk]))

    assert response.status_code == 404


def test_a_file_of_another_kind_is_refused_and_nothing_written(
    client_browser, ticket, private_media
):
    outbox = OutboxMessage.objects.count()

    response = client_browser.post(
        _url("client", "order_chat_post", ticket),
        {"body": "Вот", "attachment": _file("virus.exe")},
        **HTMX,
    )

    assert response.status_code == 200
    assert "Attach a PDF, JPG, PNG or TXT file." in response.content.decode()
    assert not OrderMessage.objects.exists()
    assert OutboxMessage.objects.count() == outbox


def test_a_file_over_the_limit_is_refused(ticket, manager, private_media, monkeypatch):
    monkeypatch.setattr("conversations.services.ATTACHMENT_MAX_BYTES", 4)

    with pytest.raises(OrderValidationError) as refused:
        message_post(order=ticket, author=manager, body=REPLY, attachment=_file())

    assert list(refused.value.errors) == ["attachment"]
    assert not OrderMessage.objects.exists()
