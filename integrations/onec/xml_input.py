"""Reading what 1C sends: safely, and whatever dialect it speaks.

defusedxml refuses DTDs, entity declarations and external references, so neither an
entity bomb nor a file or network read can hide in an upload. 1C writes with or without
the CommerceML namespace, in UTF-8 (with or without a BOM) or windows-1251 (sometimes
undeclared), and puts elements in whatever order its version does: lookups here go by
local name and never by position.
"""

import re
from collections.abc import Iterator
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.utils.translation import gettext as _

_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*\?>")
UTF8_BOM = b"\xef\xbb\xbf"


class OnecInputError(Exception):
    """What 1C sent cannot be read; the message is what the answer's failure line says."""


def parse_untrusted(data: bytes) -> Element:
    """The root element of an XML document from 1C; raises `OnecInputError`."""
    if not data.strip():
        raise OnecInputError(_("The file is empty."))
    try:
        return fromstring(data, forbid_dtd=True)
    except (DefusedXmlException, ValueError) as error:
        raise OnecInputError(_("The file declares a DTD or entities: %s") % error) from error
    except ParseError as error:
        if data.startswith(UTF8_BOM) or _is_utf8(data):
            raise OnecInputError(_("The file is not well-formed XML: %s") % error) from error
    # Undeclared windows-1251: read it as such and parse the text as UTF-8.
    text = _DECLARATION.sub(b"", data).decode("cp1251", errors="replace")
    try:
        return fromstring(text.encode(), forbid_dtd=True)
    except (DefusedXmlException, ValueError, ParseError) as error:
        raise OnecInputError(_("The file is not well-formed XML: %s") % error) from error


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def local_name(element: Element) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.rsplit("}", 1)[-1]


def children(element: Element | None, name: str) -> Iterator[Element]:
    if element is None:
        return
    for child in element:
        if local_name(child) == name:
            yield child


def child(element: Element | None, name: str) -> Element | None:
    return next(children(element, name), None)


def text_of(element: Element | None, name: str) -> str:
    found = child(element, name)
    return (found.text or "").strip() if found is not None else ""


def requisites(element: Element) -> dict[str, str]:
    """A document's `ЗначенияРеквизитов` as {name: value}; the last of a repeated name wins."""
    values = {}
    for requisite in children(child(element, "ЗначенияРеквизитов"), "ЗначениеРеквизита"):
        name = text_of(requisite, "Наименование")
        if name:
            values[name] = text_of(requisite, "Значение")
    return values
