"""What a reader of a page sees, and the stored codes and Python that must not be in it.

Used by the crawl of every page (tests/demo) and by the pages of the 1C exchange.
"""

import re
from html.parser import HTMLParser

from django.apps import apps
from django.db import models

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


def stored_codes() -> tuple[set[str], set[str]]:
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
    "integrations",
    "notifications",
    "onec",
    "orders",
    "portals",
    "tasks",
}


def problems(text: str, language: str, underscored, words, usernames) -> list[str]:
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
