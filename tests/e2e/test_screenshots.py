"""Every page of the product tour (tests/e2e/screenshot_pages.py) renders on the demo data at
desktop and phone size: answered 200, its heading shown, nothing on the console, nothing wider
than the screen. Each is saved as a PNG in $SCREENSHOTS_DIR (a temporary folder by default, so
a test run leaves the repository as it was; bin/screenshots writes docs/screenshots/)."""

import os
from itertools import groupby
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD
from tests.e2e.screenshot_pages import PAGES, VIEWPORTS, log_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.pages_only,
    pytest.mark.django_db(transaction=True),
]

OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def shots_dir(tmp_path):
    folder = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_each_tour_page_renders_and_is_saved(browser, live_server, demo_data, shots_dir, viewport):
    targets = demo_data
    saved = []
    errors = []

    for login, pages in groupby(PAGES, key=lambda tour_page: tour_page.login):
        context = browser.new_context(locale="ru-RU", viewport=VIEWPORTS[viewport])
        page = context.new_page()
        page.set_default_timeout(15000)
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
        log_in(page, live_server.url, login, DEMO_PASSWORD)
        for tour_page in pages:
            response = page.goto(live_server.url + tour_page.url_path(targets))
            page.wait_for_load_state("networkidle")

            assert response.status == 200, tour_page.name
            expect(page.locator("h1")).to_contain_text(tour_page.expected_heading(targets))
            assert page.evaluate(OVERFLOW) <= 0, f"{tour_page.name} is wider than the screen"
            assert errors == [], tour_page.name
            page.screenshot(path=shots_dir / tour_page.file_name(viewport))
            saved.append(tour_page.file_name(viewport))
        context.close()

    assert sorted(saved) == sorted(path.name for path in shots_dir.glob(f"*-{viewport}.png"))
    assert len(saved) == len(PAGES)
