"""The staff pages' history, written in Python, is the markup the template wrote."""

import re
from datetime import UTC, datetime

import pytest
from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.html import format_html

from portals.timeline import TimelineEntry
from portals.timeline_html import timeline_items_html

# The loop the manager's order and ticket pages had, kept as the reference.
TEMPLATE_LOOP = Template(
    """{% for entry in timeline reversed %}
  <li class="list-group-item" data-action="{{ entry.action }}">
    <small class="text-muted">{{ entry.when|date:"d.m.Y H:i" }}{% if entry.actor %} · {{ entry.actor }}{% endif %}</small><br>
    <strong>{{ entry.title }}</strong>{% if entry.to_state %}: {{ entry.from_state|default:"—" }} → {{ entry.to_state }}{% endif %}
    {% if entry.detail %}<div>{{ entry.detail }}</div>{% endif %}
    {% if entry.note %}<div class="text-muted">{{ entry.note }}</div>{% endif %}
  </li>
{% endfor %}"""  # noqa: E501 (the template's own lines)
)

ENTRIES = [
    TimelineEntry(
        when=datetime(2026, 1, 5, 21, 30, tzinfo=UTC),  # 00:30 the next day in Moscow
        action="created",
        title="Заказ создан",
        to_state="Заявка",
        actor="Анна Смирнова",
    ),
    TimelineEntry(
        when=datetime(2026, 3, 1, 9, 5, 7, tzinfo=UTC),
        action="start_quote",
        title="Подготовка КП",
        from_state="Заявка",
        to_state="КП",
        detail=format_html("<b>{}</b>", "v2 & <скидка>"),
        note='<script>alert("x")</script> & «кавычки»',
    ),
    TimelineEntry(
        when=datetime(2026, 3, 2, 12, 0, tzinfo=UTC),
        action='odd"action',
        title="Оплата <получена>",
        detail="Сумма 1 000,00 ₽ & more",
    ),
]


def _normalized(html: str) -> str:
    # Whitespace beside a tag: the template's line breaks, which render as nothing here
    # (before a block `<div>`, before `</li>`, between tags).
    return re.sub(r"\s*(<[^>]+>)\s*", r"\1", re.sub(r"\s+", " ", str(html))).strip()


@pytest.mark.parametrize("zone", ["Europe/Moscow", "Asia/Vladivostok"])
def test_the_items_are_the_templates_newest_first_and_escaped(zone):
    with timezone.override(zone), translation.override("ru"):
        expected = TEMPLATE_LOOP.render(Context({"timeline": ENTRIES}))
        written = timeline_items_html(ENTRIES)

    assert _normalized(written) == _normalized(expected)
    assert written.index("Оплата") < written.index("Подготовка") < written.index("Заказ создан")
    assert "&lt;script&gt;" in written
    assert "<b>v2 &amp; &lt;скидка&gt;</b>" in written


def test_no_entries_write_nothing():
    assert timeline_items_html([]) == ""
