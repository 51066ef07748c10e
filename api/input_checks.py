"""Input checks at the edge, before any view code or database query sees the request.

PostgreSQL refuses NUL characters in text (a `DataError`, hence a 500), so a `\\u0000`
anywhere in the body, a header, a query parameter or a path segment is a 400 naming it.

Python's JSON parser recurses once per level of nesting and fails with a RecursionError
(a 500) near a thousand levels; so does any code walking the result. No request of this
API nests deeper than a few levels, so a body nested deeper than MAX_JSON_DEPTH is a 400
before it is parsed.
"""

import io
import re

from django.utils.translation import gettext_lazy as _
from rest_framework.parsers import JSONParser

from api.problems import BadRequest

NUL = "\x00"
NUL_MESSAGE = _("NUL characters (\\u0000) are not allowed.")
MAX_JSON_DEPTH = 32
# Brackets inside strings do not nest; a possessive loop keeps an unclosed string linear.
# Bytes, not text: in UTF-8 these ASCII bytes never occur inside a multibyte character.
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*+"', re.DOTALL)
_JSON_BRACKET = re.compile(rb"[\[\]{}]")


def nul_paths(data, prefix: str = "") -> list[str]:
    """Paths of every string containing NUL in parsed JSON, keys included."""
    if isinstance(data, str):
        return [prefix or "body"] if NUL in data else []
    found = []
    if isinstance(data, dict):
        for key, value in data.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if NUL in str(key):
                found.append(path.replace(NUL, "\\u0000"))
            else:
                found += nul_paths(value, path)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += nul_paths(value, f"{prefix}.{index}" if prefix else str(index))
    return found


def _refuse(paths):
    if paths:
        raise BadRequest(errors={path: [str(NUL_MESSAGE)] for path in paths})


def json_depth_exceeds(raw: bytes, limit: int) -> bool:
    """Whether arrays and objects in `raw` nest deeper than `limit`, without parsing it."""
    depth = 0
    for bracket in _JSON_BRACKET.findall(_JSON_STRING.sub(b"", raw)):
        depth += 1 if bracket in b"[{" else -1
        if depth > limit:
            return True
    return False


class StrictJSONParser(JSONParser):
    """JSON only, nested at most MAX_JSON_DEPTH levels, and no NUL inside any string of it."""

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read()
        if json_depth_exceeds(raw, MAX_JSON_DEPTH):
            message = _("Arrays and objects may nest at most %(depth)s levels deep.") % {
                "depth": MAX_JSON_DEPTH
            }
            raise BadRequest(errors={"body": [str(message)]}, detail=message)
        data = super().parse(io.BytesIO(raw), media_type, parser_context)
        _refuse(nul_paths(data))
        return data


def _header_name(meta_name: str) -> str:
    name = meta_name.removeprefix("HTTP_")
    return name.replace("_", "-").title()


def request_nul_check(request, kwargs) -> None:
    """Refuse NUL in headers, query parameters and path parameters."""
    paths = [
        _header_name(name)
        for name, value in request.META.items()
        if (name.startswith("HTTP_") or name == "CONTENT_TYPE")
        and isinstance(value, str)
        and NUL in value
    ]
    paths += [
        name.replace(NUL, "\\u0000")
        for name, values in request.query_params.lists()
        if NUL in name or any(NUL in value for value in values)
    ]
    paths += [name for name, value in kwargs.items() if isinstance(value, str) and NUL in value]
    _refuse(paths)
