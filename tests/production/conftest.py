import re

import pytest
import requests

from accounts.demo import DEMO_PASSWORD
from tests.production.stack import (
    FIGURES,
    RedisServer,
    SmtpServer,
    Stack,
    create_database,
    drop_database,
    server_database_url,
)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/production/" in str(item.fspath):
            item.add_marker(pytest.mark.production)


def pytest_terminal_summary(terminalreporter):
    for name, figures in FIGURES.items():
        terminalreporter.write_line(
            f"production {name}: " + ", ".join(f"{key} {value}" for key, value in figures.items())
        )


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    """The production configuration running; one per session (starting it takes ~30 s)."""
    server_url = server_database_url()
    if server_url is None:
        pytest.skip("the production layer runs on PostgreSQL (CI's second run, make prod-check)")
    directory = tmp_path_factory.mktemp("production")
    name, database_url = create_database(server_url)
    redis = RedisServer(directory)
    redis.start()
    smtp = SmtpServer()
    smtp.start()
    running = Stack(directory=directory, database_url=database_url, redis=redis, smtp=smtp)
    try:
        running.start()
        yield running
    finally:
        running.stop()
        if redis.process and redis.process.poll() is None:
            redis.kill()
        if smtp.controller is not None:
            smtp.stop()
        drop_database(server_url, name)


CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf_token(html: str) -> str:
    match = CSRF_INPUT.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def login(stack, username: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{stack.url}/accounts/login/", timeout=30)
    response = session.post(
        f"{stack.url}/accounts/login/",
        data={
            "username": username,
            "password": DEMO_PASSWORD,
            "csrfmiddlewaretoken": csrf_token(page.text),
        },
        headers={"Referer": f"{stack.url}/accounts/login/"},
        timeout=30,
    )
    assert response.status_code == 200, response.text[:500]
    assert "/accounts/login/" not in response.url, f"{username} could not log in"
    return session


@pytest.fixture(scope="session")
def api_key(stack):
    result = stack.manage(
        "create_api_key", "Production test", "--scopes", "read,write", "--roles", "manager"
    )
    return result.stdout.strip()


@pytest.fixture(scope="session")
def api(stack, api_key):
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {api_key}"
    session.base = f"{stack.url}/api/v1"
    return session


@pytest.fixture(scope="session")
def order_input(api):
    """A valid order body from the demo data: a company customer, three catalog products."""
    customers = api.get(f"{api.base}/customers/", timeout=30).json()["results"]
    company = next(c for c in customers if c["kind"] == "company")
    items = api.get(f"{api.base}/items/", params={"limit": 100}, timeout=30).json()["results"]
    products = [i for i in items if i["kind"] == "product" and i["is_active"] and i["in_stock"]]

    def body(lines, **overrides):
        data = {
            "kind": "product",
            "customer": {"id": company["id"]},
            "lines": [{"item": {"id": item["id"]}, "quantity": "1"} for item in lines],
        }
        data.update(overrides)
        return data

    # Items whose order form has required fields are refused by line number: leave them out.
    probe = api.post(f"{api.base}/orders/", json=body(products), timeout=30)
    refused = {int(path.split(".")[1]) for path in probe.json().get("errors", {})}
    plain = [item for index, item in enumerate(products) if index not in refused][:3]
    assert len(plain) == 3, probe.text[:500]
    return lambda **overrides: body(plain, **overrides)
