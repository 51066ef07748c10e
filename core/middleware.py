"""Refusing, at the edge, input no page can store.

PostgreSQL refuses NUL characters in text (psycopg raises DataError), so a `%00` in a
search box or a filter reached the database and came back as a 500. Forms' CharFields
already refuse NUL, but query parameters read directly (filters, searches) do not. The
API checks its own input and answers with a problem (api/input_checks.py); every other request
with a NUL in its path or query string gets a plain 400 page here. Posted forms are left
to their fields, which mark the one at fault and keep what was typed.
"""

from django.shortcuts import render

NUL = "\x00"
API_PREFIX = "/api/"


def _has_nul(query_dict) -> bool:
    return any(
        NUL in key or any(NUL in value for value in values) for key, values in query_dict.lists()
    )


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX) and (
            NUL in request.path or _has_nul(request.GET)
        ):
            return render(request, "400.html", status=400)
        return self.get_response(request)
