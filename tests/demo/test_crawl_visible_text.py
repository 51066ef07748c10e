"""Every page a person can reach, as each role, in Russian and English, on the demo data.

The crawl starts from each portal's home and follows the links it is shown (GET only), up
to a few pages per URL shape. It fails on a page that errors, a link to a page its reader
may not open, a stored code shown instead of its label (`start_quote`, `request → quote`,
`manager` on a Russian page) and Python leaking into the text (`True`, `None`, `Decimal(`,
`['…']`).
"""

import re
from collections import defaultdict
from urllib.parse import urldefrag, urlsplit

import pytest

from tests.visible_text import VisibleText, problems, stored_codes

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


def _shape(url: str) -> str:
    parts = urlsplit(url)
    query_keys = sorted(pair.split("=")[0] for pair in parts.query.split("&") if pair)
    return re.sub(r"\d+", "{n}", parts.path) + ("?" + "&".join(query_keys) if query_keys else "")


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
    underscored, words = stored_codes()
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
            for problem in problems(text, language, underscored, words, usernames)
        )
    assert not failures, "\n".join(sorted(set(failures)))
