"""Dates read the same on every page, in Russian and in English."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

MOMENT = datetime(2026, 12, 2, 10, 21, tzinfo=ZoneInfo("Europe/Moscow"))


@pytest.mark.parametrize("language", ["ru", "en"])
def test_a_date_reads_the_same_whichever_format_a_template_names(language):
    template = Template(
        '{{ moment|date:"SHORT_DATETIME_FORMAT" }}|{{ moment|date:"d.m.Y H:i" }}|{{ moment }}'
    )

    with translation.override(language):
        named, fixed, default = template.render(Context({"moment": MOMENT})).split("|")

    assert named == fixed == "02.12.2026 10:21"
    if language == "en":
        assert default == "02.12.2026 10:21"


@pytest.mark.django_db
def test_an_english_order_page_has_no_american_dates(client):
    from accounts.roles import Role
    from tests.factories import UserFactory
    from tests.orders.factories import OrderFactory

    manager = UserFactory(role=Role.MANAGER)
    order = OrderFactory(manager=manager, sla_due_at=MOMENT)
    client.force_login(manager)

    response = client.get(f"/manager/orders/{order.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()

    assert response.status_code == 200

    assert not re.search(r"\d{2}/\d{2}/\d{4}|[ap]\.m\.", page)
    assert re.search(r"\d{2}\.\d{2}\.\d{4}", page)
