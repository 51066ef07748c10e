import importlib
import io
import os

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop; Django would refuse ORM calls from tests.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def demo_data(role_groups):
    """`manage.py seed_demo` in a transactional test, whose database an earlier test's flush
    emptied of what the migrations wrote: the default workflows, which the demo orders are
    made under, are written again first. Returns the demo orders the tour opens."""
    from django.apps import apps
    from django.core.management import call_command

    from tests.e2e.screenshot_pages import demo_order_targets

    migration = importlib.import_module("orders.migrations.0002_role_permissions_default_workflows")
    migration.forward(apps, None)
    # The showcase orders only: six months of history per test would cost minutes; the
    # crawl of every page (tests/portals) reads the whole story once.
    call_command("seed_demo", "--showcase-only", stdout=io.StringIO())
    return demo_order_targets()
