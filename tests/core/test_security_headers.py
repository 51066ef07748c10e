"""Every page carries a Content-Security-Policy without inline script and a
Permissions-Policy, and no page or template relies on what the policy refuses: inline
event handlers and inline scripts."""

import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from orders.lifecycle import State
from orders.models import Order
from tests.factories import ContactFactory, LedgerEntryFactory, UserFactory, shipped_email_rule
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Scripts that hold data, not code: a browser never runs them, whatever the policy.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


class _Markup(HTMLParser):
    """The inline code of a page: on* handler attributes and scripts without src."""

    def __init__(self):
        super().__init__()
        self.handlers: list[str] = []
        self.inline_scripts: list[str] = []
        self.style_attributes: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        self.handlers += [f"<{tag} {name}=…>" for name in names if name.startswith("on")]
        if "style" in names:
            self.style_attributes.append(f"<{tag} style={names['style']!r}>")
        is_data = (names.get("type") or "").lower() in DATA_SCRIPT_TYPES
        if tag == "script" and not names.get("src") and not is_data:
            self.inline_scripts.append(self.getpos())


def _markup(html: str) -> _Markup:
    parser = _Markup()
    parser.feed(html)
    return parser


def _directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    return {
        name: sources
        for name, *sources in (part.split() for part in policy.split(";") if part.strip())
    }


@pytest.fixture
def people():
    contact = ContactFactory()
    return {
        "client": contact.user,
        "manager": UserFactory(role=Role.MANAGER),
        "director": UserFactory(role=Role.DIRECTOR),
        "admin": UserFactory(role=Role.ADMIN),
        "superuser": UserFactory(is_staff=True, is_superuser=True),
    }


@pytest.fixture
def pages(people):
    """(user or None, URL): pages of each portal, with the confirm forms and the charts."""
    customer = people["client"].contact.customer
    order = OrderFactory(customer=customer, contact=people["client"].contact)
    Order.objects.filter(pk=order.pk).update(state=State.PAYMENT)
    LedgerEntryFactory(customer=customer, amount=Decimal("100.00"))
    rule = shipped_email_rule()
    return [
        (None, reverse("accounts:login")),
        (None, reverse("signup:register")),
        (None, reverse("accounts:register_resend")),
        (None, "/api/docs/"),
        (people["client"], reverse("portals_client:home")),
        (people["client"], reverse("portals_client:catalog")),
        (people["client"], reverse("portals_client:order_page", args=[order.pk])),
        (people["manager"], reverse("portals_manager:order_desk")),
        (people["manager"], reverse("portals_manager:order_page", args=[order.pk])),
        (people["director"], reverse("portals_manager:reports")),
        (people["admin"], reverse("portals_admin:home")),
        (people["admin"], reverse("portals_admin:user_edit", args=[people["client"].pk])),
        (people["admin"], reverse("portals_admin:notification_rule_preview", args=[rule.pk])),
        (people["superuser"], "/django-admin/"),
        (people["superuser"], "/django-admin/orders/order/"),
        (people["superuser"], f"/django-admin/orders/order/{order.pk}/change/"),
    ]


def _get(user, url):
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        browser.force_login(user)
    return browser.get(url)


def test_every_portal_page_has_a_policy_without_inline_code_and_no_inline_code(pages):
    for user, url in pages:
        response = _get(user, url)
        assert response.status_code == 200, url
        directives = _directives(response)
        markup = _markup(response.content.decode())

        assert directives["script-src"] == ["'self'"], url
        assert "'unsafe-inline'" not in directives["style-src"], url
        assert directives["default-src"] == ["'self'"], url
        assert directives["object-src"] == ["'none'"], url
        assert directives["frame-ancestors"] == ["'none'"], url
        assert directives["base-uri"] == ["'self'"], url
        assert markup.handlers == [], url
        assert markup.inline_scripts == [], url
        if not url.startswith(("/django-admin/", "/api/")):
            assert markup.style_attributes == [], url
        assert "camera=()" in response.headers["Permissions-Policy"], url


def test_the_policy_lets_in_only_our_origin_and_data_images():
    directives = _directives(_get(None, reverse("accounts:login")))

    assert directives["img-src"] == ["'self'", "data:"]
    assert "connect-src" not in directives  # default-src: our own origin only
    assert not any("'unsafe-eval'" in sources for sources in directives.values())


def test_forms_may_go_to_us_and_to_the_payment_checkout_only(settings):
    settings.PAYMENT_GATEWAY_URL = "http://127.0.0.1:8011/v3"
    settings.PAYMENT_CHECKOUT_ORIGINS = ["https://yoomoney.ru"]

    directives = _directives(_get(None, reverse("accounts:login")))

    assert directives["form-action"] == ["'self'", "https://yoomoney.ru", "http://127.0.0.1:8011"]


def test_without_a_gateway_forms_go_to_us_only(settings):
    settings.PAYMENT_GATEWAY_URL = ""
    settings.PAYMENT_CHECKOUT_ORIGINS = []

    assert _directives(_get(None, reverse("accounts:login")))["form-action"] == ["'self'"]


def test_the_permissions_policy_refuses_the_powerful_features():
    policy = _get(None, reverse("accounts:login")).headers["Permissions-Policy"]

    features = dict(part.strip().split("=") for part in policy.split(","))
    assert {"camera", "microphone", "geolocation", "payment", "usb"} <= set(features)
    assert set(features.values()) == {"()"}


def test_the_api_docs_load_their_script_from_a_url_not_inline():
    page = _get(None, "/api/docs/")
    script_url = re.search(r'<script src="(/api/docs/\?[^"]*script[^"]*)"', page.content.decode())

    script = _get(None, script_url.group(1).replace("&amp;", "&"))

    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def _template_files():
    return sorted(path for path in TEMPLATES.rglob("*") if path.suffix in {".html", ".txt"})


HANDLER_ATTRIBUTE = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)


def test_no_template_has_an_inline_handler_or_an_inline_script():
    offenders = []
    for path in _template_files():
        source = path.read_text()
        name = path.relative_to(TEMPLATES)
        offenders += [f"{name}: {m.group(0)[:80]}" for m in HANDLER_ATTRIBUTE.finditer(source)]
        offenders += [
            f"{name}: <script{attributes}>"
            for attributes in SCRIPT_TAG.findall(source)
            if "src=" not in attributes and "application/json" not in attributes
        ]

    assert len(_template_files()) > 100
    assert offenders == []


def test_no_page_template_has_an_inline_style():
    # Emails and PDF documents are not pages: mail clients and WeasyPrint need inline styles.
    not_pages = ("notifications/email/", "accounts/email/", "billing/documents/")
    offenders = [
        str(path.relative_to(TEMPLATES))
        for path in _template_files()
        if not str(path.relative_to(TEMPLATES)).startswith(not_pages)
        and re.search(r"\sstyle\s*=|<style", path.read_text())
    ]

    assert offenders == []


def test_the_email_preview_may_use_exactly_the_emails_inline_styles():
    # The admin's preview frame inherits the policy, which allows these styles by hash.
    source = (TEMPLATES / "notifications/email/message.html").read_text()

    assert set(re.findall(r'style="([^"]*)"', source)) == set(settings.EMAIL_INLINE_STYLES)
