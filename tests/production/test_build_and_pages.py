"""The configuration a business deploys: built as the Dockerfile builds it, served with DEBUG=0."""

import html
import json
import re
from pathlib import Path

import pytest
import requests

from tests.production.conftest import csrf_token, login
from tests.production.stack import wait_for

ROLES = ["admin", "manager1", "warehouse", "courier", "director", "client1"]
CRAWLED_PREFIXES = (
    "/client/",
    "/manager/",
    "/admin-portal/",
    "/notifications/",
    "/billing/",
    "/accounts/",
    "/api/",
    "/django-admin/",
)
# GET-only crawl, but these end the session or switch the language for the rest of it.
NOT_CRAWLED = ("logout", "/i18n/")
PAGES_PER_ROLE = 120
HREF = re.compile(r'href="(/[^"#]*)"')


def test_the_docker_build_collectstatic_step_succeeds(stack):
    assert stack.collectstatic.returncode == 0, stack.collectstatic.stderr[-3000:]
    manifest = json.loads((Path(stack.environment["STATIC_ROOT"]) / "staticfiles.json").read_text())
    for name in ("vendor/bootstrap.min.css", "vendor/bootstrap.bundle.min.js", "css/app.css"):
        assert name in manifest["paths"], name


def test_pages_link_hashed_static_files_that_are_served(stack):
    page = requests.get(f"{stack.url}/accounts/login/", timeout=30)
    assert page.status_code == 200
    hashed = re.findall(r'(?:href|src)="(/static/[^"]+\.[0-9a-f]{12}\.(?:css|js))"', page.text)
    assert any("bootstrap.min." in path for path in hashed), page.text[:1000]
    for path in hashed:
        response = requests.get(f"{stack.url}{path}", timeout=30)
        assert response.status_code == 200, path
        # Hashed names never change content: browsers may keep them for good.
        assert "max-age=315360000" in response.headers["Cache-Control"], path


def _pattern(path: str) -> str:
    """One page per shape: ids and query values do not make a new page to visit."""
    route, _, query = path.partition("?")
    keys = sorted(part.split("=")[0] for part in query.split("&") if part)
    return re.sub(r"\d+", "N", route) + ("?" + "&".join(keys) if keys else "")


def _crawl(stack, session: requests.Session) -> dict[str, int]:
    """Every page reachable by links from the home page, one per shape; status by path."""
    seen_patterns, statuses = set(), {}
    queue = ["/"]
    while queue and len(statuses) < PAGES_PER_ROLE:
        path = queue.pop(0)
        pattern = _pattern(path)
        if pattern in seen_patterns:
            continue
        seen_patterns.add(pattern)
        response = session.get(f"{stack.url}{path}", timeout=60)
        statuses[path] = response.status_code
        if "text/html" not in response.headers.get("Content-Type", ""):
            continue
        for link in HREF.findall(response.text):
            link = html.unescape(link)
            if link.startswith(CRAWLED_PREFIXES) and not any(s in link for s in NOT_CRAWLED):
                queue.append(link)
    return statuses


@pytest.mark.parametrize("username", ROLES)
def test_every_page_a_role_can_reach_opens(stack, username):
    session = login(stack, username)
    statuses = _crawl(stack, session)

    assert len(statuses) >= 5, statuses
    broken = {path: status for path, status in statuses.items() if status != 200}
    assert broken == {}, f"{username}: {broken}"


def _email_deliveries_sent(stack, order_id: int) -> set[str]:
    rows = stack.sql(
        "SELECT d.id FROM notifications_delivery d"
        " JOIN notifications_outboxmessage m ON m.id = d.outbox_message_id"
        " WHERE m.aggregate_type = 'order' AND m.aggregate_id = %s AND d.channel = 'email'"
        " AND d.status = 'delivered'",
        (order_id,),
    )
    return {str(row[0]) for row in rows}


def _settled(stack, order_id: int) -> bool:
    return not stack.scalar(
        "SELECT count(*) FROM notifications_outboxmessage m"
        " LEFT JOIN notifications_delivery d ON d.outbox_message_id = m.id"
        " WHERE m.aggregate_type = 'order' AND m.aggregate_id = %s"
        " AND (m.status = 'pending' OR d.status = 'pending')",
        (order_id,),
    )


def test_an_order_moves_through_the_api_and_the_portal_and_its_emails_go_out(
    stack, api, order_input
):
    created = api.post(
        f"{api.base}/orders/", json=order_input(comment="production check"), timeout=30
    )
    assert created.status_code == 201, created.text
    order = created.json()
    assert order["state"] == "request"

    manager = login(stack, "manager1")
    page = manager.get(f"{stack.url}/manager/orders/{order['id']}/", timeout=30)
    assert page.status_code == 200
    actions = re.findall(
        rf'action="(/manager/orders/{order["id"]}/transitions/([\w-]+)/)"', page.text
    )
    path, name = next((path, name) for path, name in actions if name != "cancel")
    moved = manager.post(
        f"{stack.url}{path}",
        data={"csrfmiddlewaretoken": csrf_token(page.text), "state": order["state"]},
        headers={"Referer": page.url},
        timeout=30,
    )
    assert moved.status_code == 200
    after_portal = api.get(f"{api.base}/orders/{order['id']}/", timeout=30).json()
    assert after_portal["state"] != "request", name

    cancelled = api.post(
        f"{api.base}/orders/{order['id']}/transitions/",
        json={"transition": "cancel", "reason": "Production check"},
        timeout=30,
    )
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["state"] == "cancelled"

    wait_for(lambda: _settled(stack, order["id"]), timeout=60, what="the deliveries")
    sent = _email_deliveries_sent(stack, order["id"])
    assert sent, "the order's client should have been emailed"
    received = stack.smtp.delivery_ids()
    assert sent <= set(received)
    assert all(received.count(delivery) == 1 for delivery in sent)
