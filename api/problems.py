"""Every API error as an RFC 9457 problem: `application/problem+json` with `type`, `title`,
`status`, `detail`, and for input errors `errors` mapping field paths to messages.

Service errors (`orders.errors`, Django's ValidationError) are translated here, once.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers, status
from rest_framework.settings import api_settings

from orders.errors import (
    OrderConflictError,
    OrderPermissionError,
    OrderTransitionError,
    OrderValidationError,
)

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:ordercrm:problem:"

# status -> (type suffix, title)
_KINDS = {
    400: ("bad-request", _("Bad request")),
    401: ("unauthenticated", _("Authentication required")),
    403: ("forbidden", _("Forbidden")),
    404: ("not-found", _("Not found")),
    405: ("method-not-allowed", _("Method not allowed")),
    406: ("not-acceptable", _("Not acceptable")),
    409: ("conflict", _("Conflict")),
    412: ("precondition-failed", _("Precondition failed")),
    413: ("payload-too-large", _("Request body too large")),
    415: ("unsupported-media-type", _("Unsupported media type")),
    422: ("validation", _("Invalid input")),
    429: ("throttled", _("Too many requests")),
    500: ("server-error", _("Internal server error")),
    503: ("unavailable", _("Service unavailable")),
}


class BadRequest(exceptions.APIException):
    """Malformed input outside the body's fields (a query parameter, a header, a cursor)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("The request is malformed.")
    default_code = "bad_request"

    def __init__(self, errors: dict[str, list[str]], detail=None):
        self.errors = errors
        super().__init__(detail)


class Unprocessable(exceptions.APIException):
    """Well-formed input that cannot be accepted (validation)."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _("The input has errors.")
    default_code = "invalid"

    def __init__(self, errors: dict[str, list[str]] | None = None, detail=None):
        self.errors = errors or {}
        super().__init__(detail)


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"

    def __init__(self):
        super().__init__(
            _("The request body is larger than the limit of %(limit)s bytes.")
            % {"limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
        )


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The request conflicts with the current state of the resource.")
    default_code = "conflict"


class ProblemSerializer(serializers.Serializer):
    """An error, as RFC 9457 describes (media type `application/problem+json`)."""

    type = serializers.CharField(
        help_text=_("Stable identifier of the kind of problem, e.g. urn:ordercrm:problem:conflict.")
    )
    title = serializers.CharField(help_text=_("Short summary of the kind of problem."))
    status = serializers.IntegerField(help_text=_("The HTTP status code."))
    detail = serializers.CharField(help_text=_("What went wrong in this case."))
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_(
            "For input errors: field paths (`lines.0.quantity`, a header or query "
            "parameter name) mapped to their messages."
        ),
    )


def flatten_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error structure as `{"lines.0.quantity": ["..."]}`."""
    if isinstance(detail, dict):
        flat = {}
        for key, value in detail.items():
            name = api_settings.NON_FIELD_ERRORS_KEY if key == "__all__" else str(key)
            flat.update(flatten_errors(value, f"{prefix}.{name}" if prefix else name))
        return flat
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return {prefix or api_settings.NON_FIELD_ERRORS_KEY: [str(item) for item in detail]}
        flat = {}
        for index, item in enumerate(detail):
            flat.update(flatten_errors(item, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    return {prefix or api_settings.NON_FIELD_ERRORS_KEY: [str(detail)]}


def _translate(exc):
    """Service and Django errors as the DRF exceptions of their HTTP status."""
    if isinstance(exc, OrderValidationError):
        return Unprocessable(errors={k: [str(m) for m in v] for k, v in exc.errors.items()})
    if isinstance(exc, OrderConflictError | OrderTransitionError):
        return Conflict(" ".join(str(message) for message in exc.messages))
    if isinstance(exc, OrderPermissionError):
        return exceptions.PermissionDenied(str(exc.messages[0]))
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            return Unprocessable(errors=flatten_errors(exc.message_dict))
        # Not about one field: the message itself is the best summary of the problem.
        return Unprocessable(
            errors=flatten_errors({"": exc.messages}), detail=" ".join(exc.messages)
        )
    if isinstance(exc, exceptions.ValidationError):
        return Unprocessable(errors=flatten_errors(exc.detail))
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge()
    return exc


def problem_exception_handler(exc, context):
    # Imported here: rest_framework.views loads the REST_FRAMEWORK classes, which import
    # this module.
    from rest_framework.views import exception_handler

    exc = _translate(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None  # a server error: Django's 500 handling and logging
    response.data = problem_body(
        response.status_code, _detail_text(exc), errors=getattr(exc, "errors", None)
    )
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def problem_body(code: int, detail: str, *, errors: dict | None = None) -> dict:
    kind, title = _KINDS.get(code, ("error", _("Error")))
    body = {"type": f"{TYPE_PREFIX}{kind}", "title": str(title), "status": code, "detail": detail}
    if errors:
        body["errors"] = errors
    return body


def _detail_text(exc) -> str:
    detail = getattr(exc, "detail", None)
    if isinstance(detail, str):
        return str(detail)
    return str(getattr(exc, "default_detail", "") or _("The request failed."))
