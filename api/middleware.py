"""Failures no view handled, answered in a form the requester can use.

Django turns an exception that escapes a view or a middleware into a response where it
happened (every middleware is wrapped in `convert_exception_to_response`): it logs it with
its traceback and renders the HTML `500.html`. So no middleware can catch it; this one sees
that 500 on its way out instead. The `got_request_exception` signal, sent while Django
handles the exception, notes it on the request, and the middleware replaces the response:

- under /api/, a problem+json 500 that tells nothing of the internals;
- when the database cannot be reached (`OperationalError` or `InterfaceError`, on connect
  or mid-query), a 503 with `Retry-After`: problem+json under /api/, elsewhere a plain page
  rendered without the database, the session or the user, which are what failed.

It sits outside the session and authentication middleware: in an outage the session lookup
is the first query to fail, and the session is saved on the way out.
"""

import sys

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import TemplateDoesNotExist, loader
from django.utils import translation
from django.utils.translation import gettext as _

from api.problems import PROBLEM_CONTENT_TYPE, problem_body

API_PREFIX = "/api/"
RETRY_AFTER_SECONDS = 30
OUTAGE_TEMPLATE = "503.html"
_NOTED_EXCEPTIONS = "_unhandled_exceptions"


def note_unhandled_exception(sender, request=None, **kwargs) -> None:
    """Receiver of `got_request_exception`: the exception being handled, kept on the request."""
    exception = sys.exc_info()[1]
    if request is not None and exception is not None:
        request.__dict__.setdefault(_NOTED_EXCEPTIONS, []).append(exception)


def is_database_unavailable(exception: BaseException) -> bool:
    return isinstance(exception, OperationalError | InterfaceError)


class UnhandledExceptionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        got_request_exception.connect(note_unhandled_exception, dispatch_uid=__name__)

    def __call__(self, request):
        response = self.get_response(request)
        exceptions = request.__dict__.get(_NOTED_EXCEPTIONS)
        if response.status_code != 500 or not exceptions:
            return response
        is_outage = any(is_database_unavailable(exception) for exception in exceptions)
        is_api = request.path_info.startswith(API_PREFIX)
        if not is_api and not is_outage:
            return response
        # The locale middleware may not have run: the session lookup before it failed.
        with translation.override(translation.get_language_from_request(request)):
            if is_api:
                return api_failure_response(is_outage=is_outage)
            return outage_page()


def api_failure_response(*, is_outage: bool) -> JsonResponse:
    if is_outage:
        detail = _(
            "The service is temporarily unavailable. Retry after the number of seconds "
            "in Retry-After."
        )
        status = 503
    else:
        detail = _("The server failed to handle the request. The failure has been logged.")
        status = 500
    response = JsonResponse(
        problem_body(status, detail),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
    )
    if is_outage:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def outage_page() -> HttpResponse:
    try:
        # No request and no context processors: they query the database.
        content = loader.get_template(OUTAGE_TEMPLATE).render(
            {"retry_after_seconds": RETRY_AFTER_SECONDS}
        )
    except TemplateDoesNotExist:
        content = "<h1>Service unavailable</h1>"
    response = HttpResponse(content, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
