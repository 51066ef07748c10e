"""OpenAPI helpers: every status an operation returns is declared, errors as problems."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from api.input_checks import MAX_JSON_DEPTH
from api.problems import PROBLEM_CONTENT_TYPE, ProblemSerializer

JSON = "application/json"

_PROBLEM_DESCRIPTIONS = {
    400: format_lazy(
        "{} {}",
        _(
            "Malformed request: invalid JSON, a NUL character, a bad query parameter, "
            "header or cursor. `errors` names the culprit."
        ),
        format_lazy(
            _("Arrays and objects in a body may nest at most {depth} levels deep."),
            depth=MAX_JSON_DEPTH,
        ),
    ),
    401: _("No valid credentials: send `Authorization: Bearer <API key>`."),
    403: _(
        "Not allowed: the key lacks the scope (read for GET, write otherwise), or its "
        "user lacks the permission."
    ),
    404: _("No such object, or not one you may see."),
    409: _("The order is not in a state that allows this now, or it changed meanwhile."),
    413: _("The body is larger than the server accepts; `detail` gives the limit in bytes."),
    415: _("The body must be JSON (`Content-Type: application/json`)."),
    422: _(
        "Invalid input; `errors` maps each bad field path to its messages. Fields the "
        "operation does not know are refused too, each with “Unknown field.”"
    ),
    429: _("Too many requests for this key; retry after `Retry-After` seconds."),
    500: _("An unexpected failure on the server, logged there; the body tells nothing more."),
    503: _(
        "Temporarily unavailable (the database cannot be reached); retry after "
        "`Retry-After` seconds."
    ),
}
# Anyone can send a malformed request, a bad key, a key without the scope, or too many;
# any request can meet a failure or an outage of the server.
COMMON = (400, 401, 403, 429, 500, 503)


def responses(success: dict, *problem_codes: int) -> dict:
    """`success` maps status to a serializer (JSON); the codes get problem bodies."""
    declared = {
        (code, JSON) if serializer is not None else code: serializer
        for code, serializer in success.items()
    }
    codes = {*COMMON, *problem_codes}
    if 422 in codes:
        # Every operation that validates a body also refuses non-JSON and oversized ones.
        codes.update((413, 415))
    for code in sorted(codes):
        declared[(code, PROBLEM_CONTENT_TYPE)] = OpenApiResponse(
            ProblemSerializer, description=_PROBLEM_DESCRIPTIONS[code]
        )
    return declared


IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    description=_(
        "Up to 255 characters, unique per request you mean to make once. Sending the "
        "same key with the same body again returns the first response (with "
        "`Idempotent-Replayed: true`) and creates nothing; the same key with another "
        "body is a 422. Keys are kept at least 24 hours."
    ),
)
IF_MATCH_PARAMETER = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    description=_(
        'The order\'s ETag (`"<version>"`) you acted on: 409 if the order changed since.'
    ),
)
ETAG_HEADER = OpenApiParameter(
    "ETag",
    str,
    OpenApiParameter.HEADER,
    description=_("The order's version, for `If-Match`."),
    response=[200],
)
