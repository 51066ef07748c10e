"""Every page a person can reach, as each role, in Russian and English, on the demo data.

The crawl starts from each portal's home and follows the links it is shown (GET only), up
to a few pages per URL shape. It fails on a page that errors, a link to a page its reader
may not open, a stored code shown instead of its label (`start_quote`, `request → quote`,
`manager` on a Russian page) and Python leaking into the text (`True`, `None`, `Decimal(`,
`['…']`).
"""

import re
from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.apps import apps
from django.db import models

pytestmark = [pytest.mark.django_db, pytest.mark.pages_only]

PAGES_PER_SHAPE = 2
START = {
    "client": "/client/",
    "manager": "/manager/",
    "warehouse": "/manager/",
    "courier": "/manager/",
    "director": "/manager/",
    "admin": "/admin-portal/",
}
# Pages a form reaches, not a link.
EXTRA_STARTS = {
    "manager": ["/manager/search/?q=Ромашка", "/manager/search/?q=8", "/manager/orders/?q=стол"],
    "director": ["/manager/search/?q=Ромашка"],
}
# One login per staff role (the other managers see the same pages), and two clients: a
# company's buyer and a private person.
LOGINS = [
    ("admin", "admin"),
    ("manager1", "manager"),
    ("warehouse", "warehouse"),
    ("courier", "courier"),
    ("director", "director"),
    ("client1", "client"),
    ("client3", "client"),
]
# Not pages of a portal: signing out, switching language, the Django admin, the API and
# files served as they are.
SKIP_PREFIXES = ("/accounts/logout", "/i18n/", "/django-admin/", "/api/", "/static/", "/media/")
PYTHON_REPR = re.compile(
    r"\b(?:True|False|None)\b|Decimal\(|\[\s*'|\{\s*'|<QuerySet|object at 0x|\bdatetime\."
)
UNTRANSLATED = re.compile(r"\b[A-Za-z][a-z]+(?: [A-Za-z][a-z]*){2,}\b")
ARROW = re.compile(r"\b[a-z_]{3,} → [a-z_]{3,}\b")
ATTRIBUTES_READ = ("title", "placeholder", "aria-label", "alt")


class VisibleText(HTMLParser):
    """The text a reader sees or hears, and the links on the page."""

    # `<code>` and `<kbd>` hold what is shown on purpose as typed: CSV columns, API scopes.
    HIDDEN = {"script", "style", "template", "code", "kbd"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.links: list[str] = []
        self._hidden_depth = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in self.HIDDEN:
            self._hidden_depth += 1
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        self.parts.extend(attributes[name] for name in ATTRIBUTES_READ if attributes.get(name))
        if tag == "input" and attributes.get("type") in ("submit", "button"):
            self.parts.append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden_depth:
            self._hidden_depth -= 1

    def handle_data(self, data):
        if not self._hidden_depth and data.strip():
            self.parts.append(data.strip())


def _codes() -> tuple[set[str], set[str]]:
    """(codes with an underscore or a dot, one-word lowercase codes) of what we store."""
    values = set()
    pending = list(models.TextChoices.__subclasses__())
    while pending:
        choices = pending.pop()
        pending.extend(choices.__subclasses__())
        if choices.__module__.split(".")[0] in _OUR_APPS:
            values.update(choices.values)
    for model in apps.get_models():
        if model._meta.app_label in _OUR_APPS:
            for field in model._meta.fields:
                if field.choices:
                    values.update(value for value, _label in field.flatchoices)
    codes = {value for value in values if isinstance(value, str) and value.isascii()}
    underscored = {code for code in codes if "_" in code or "." in code}
    words = {
        code
        for code in codes - underscored
        if code.isalpha() and code.islower() and len(code) > 3 and code not in _RUSSIAN_TOO
    }
    return underscored, words


# Written in Latin letters in Russian too.
_RUSSIAN_TOO = {"email"}
_OUR_APPS = {
    "accounts",
    "api",
    "billing",
    "carts",
    "catalog",
    "conversations",
    "customers",
    "notifications",
    "orders",
    "portals",
    "tasks",
}


def _shape(url: str) -> str:
    parts = urlsplit(url)
    query_keys = sorted(pair.split("=")[0] for pair in parts.query.split("&") if pair)
    return re.sub(r"\d+", "{n}", parts.path) + ("?" + "&".join(query_keys) if query_keys else "")


def _problems(text: str, language: str, underscored, words, usernames) -> list[str]:
    # What an administrator types into a notification template is shown as typed.
    text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", " ", text)
    found = [
        f"Python in the text: {text[max(0, match.start() - 40) : match.end() + 40]!r}"
        for match in PYTHON_REPR.finditer(text)
    ]
    found.extend(f"codes as a transition: {match.group(0)!r}" for match in ARROW.finditer(text))
    suspect = underscored | (words - usernames if language == "ru" else set())
    # A value to type, quoted («none», “read”) or a placeholder ({number}), is meant as is.
    for match in re.finditer(r"(?<![\w@./{«“-])[a-z][a-z_]+(?:\.[a-z_]+)*(?![\w@/}»”-])", text):
        if match.group(0) in suspect:
            context = text[max(0, match.start() - 30) : match.end() + 30]
            found.append(f"code shown: {match.group(0)!r} in {context!r}")
    if language == "ru":
        # Three English words in a row on a Russian page: a string nobody translated.
        found.extend(
            f"English on a Russian page: {match.group(0)!r}"
            for match in UNTRANSLATED.finditer(text)
        )
    return found


def _order_pages(user, role: str) -> list[str]:
    """One order page per kind and state the user may open: a link-following crawl would
    stop at the first few orders and miss the stages further on."""
    from orders.models import Order

    if role == "client":
        orders, prefix = Order.objects.filter(contact__user=user), "/client/orders/"
    else:
        orders, prefix = Order.objects.all(), "/manager/orders/"
    first = {}
    for pk, kind, state in orders.order_by("pk").values_list("pk", "kind", "state"):
        first.setdefault((kind, state), pk)
    return [f"{prefix}{pk}/" for pk in first.values()]


def _crawl(client, starts: list[str]) -> tuple[dict, list[str]]:
    """Pages seen (url → (status, content type, body)) and what went wrong on the way.

    The start pages are always read; a linked page is read while fewer than
    PAGES_PER_SHAPE pages of its shape (numbers as {n}, query keys) were."""
    seen, failures, per_shape = {}, [], defaultdict(int)
    queue = [(start, "(start)") for start in starts]
    while queue:
        url, referrer = queue.pop(0)
        if url in seen:
            continue
        if referrer != "(start)" and per_shape[_shape(url)] >= PAGES_PER_SHAPE:
            continue
        per_shape[_shape(url)] += 1
        response = client.get(url)
        content_type = response.get("Content-Type", "")
        body = response.content.decode() if "text/html" in content_type else ""
        seen[url] = (response.status_code, content_type, body)
        if response.status_code in (301, 302):
            continue
        if response.status_code != 200:
            failures.append(f"{url} (linked from {referrer}) answers {response.status_code}")
            continue
        if not body:
            continue
        parser = VisibleText()
        parser.feed(body)
        for href in parser.links:
            target = urldefrag(href).url
            if not target.startswith("/") or target.startswith(SKIP_PREFIXES):
                continue
            queue.append((target, url))
    return seen, failures


@pytest.mark.parametrize("language", ["ru", "en"])
@pytest.mark.parametrize(("username", "role"), LOGINS)
def test_every_page_shows_labels_not_codes(client, username, role, language):
    from accounts.models import User

    client.force_login(User.objects.get(username=username))
    client.cookies["django_language"] = language
    underscored, words = _codes()
    usernames = set(User.objects.values_list("username", flat=True))

    user = User.objects.get(username=username)
    starts = [START[role], *EXTRA_STARTS.get(role, ()), *_order_pages(user, role)]
    seen, failures = _crawl(client, starts)

    pages = {url: body for url, (status, _type, body) in seen.items() if status == 200 and body}
    assert len(pages) >= 5, f"the crawl reached only {sorted(pages)}"
    for url, body in pages.items():
        parser = VisibleText()
        parser.feed(body)
        text = "\n".join(parser.parts)
        failures.extend(
            f"{url}: {problem}"
            for problem in _problems(text, language, underscored, words, usernames)
        )
    assert not failures, "\n".join(sorted(set(failures)))
