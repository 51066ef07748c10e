import pytest
from django.urls import reverse

from notifications.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_bell_counts_only_my_unread_notifications(client):
    me, other = UserFactory(role="manager"), UserFactory(role="manager")
    Notification.objects.create(recipient=me, title="Новый заказ")
    Notification.objects.create(recipient=me, title="Прочитано", read_at="2026-01-01T00:00Z")
    Notification.objects.create(recipient=other, title="Чужое")
    client.force_login(me)

    response = client.get(reverse("notifications:bell"))

    assert response.context["unread_count"] == 1


def test_mark_one_and_all_read(client):
    me = UserFactory(role="client")
    first = Notification.objects.create(recipient=me, title="A")
    Notification.objects.create(recipient=me, title="B")
    foreign = Notification.objects.create(recipient=UserFactory(), title="C")
    client.force_login(me)

    client.post(reverse("notifications:mark_read"), {"notification": foreign.pk})
    client.post(reverse("notifications:mark_read"), {"notification": first.pk})
    assert list(
        Notification.objects.filter(read_at__isnull=True)
        .values_list("title", flat=True)
        .order_by("title")
    ) == ["B", "C"]
    client.post(reverse("notifications:mark_read"))

    assert list(
        Notification.objects.filter(read_at__isnull=True).values_list("title", flat=True)
    ) == ["C"]


def test_list_page_query_count(client, django_assert_max_num_queries):
    me = UserFactory(role="manager")
    for index in range(30):
        Notification.objects.create(recipient=me, title=f"N{index}")
    client.force_login(me)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("notifications:list"))

    assert len(response.context["notifications"]) == 20


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("notifications:list"))

    assert response.status_code == 302
    assert reverse("accounts:login") in response.url


def test_a_malformed_id_marks_nothing(client):
    me = UserFactory(role="client")
    Notification.objects.create(recipient=me, title="A")
    client.force_login(me)

    response = client.post(reverse("notifications:mark_read"), {"notification": "1; drop"})

    assert response.status_code == 400
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_mark_read_needs_post(client):
    client.force_login(UserFactory())

    assert client.get(reverse("notifications:mark_read")).status_code == 405
