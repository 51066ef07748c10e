from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination

from api.problems import BadRequest

MAX_PAGE_SIZE = 200


class KeysetPagination(CursorPagination):
    """Keyset pages: no COUNT and no OFFSET, so page 1,000 costs what page 1 costs."""

    page_size = 50
    max_page_size = MAX_PAGE_SIZE
    page_size_query_param = "limit"
    page_size_query_description = _("Results per page, 1 to 200 (default 50).")
    cursor_query_description = _("Opaque cursor from the `next` or `previous` link.")
    ordering = "id"

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound as error:
            raise BadRequest(
                errors={self.cursor_query_param: [str(_("Invalid cursor."))]},
                detail=_("The pagination cursor is invalid; start again without it."),
            ) from error

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise BadRequest(
                errors={
                    self.page_size_query_param: [
                        str(
                            _("Give a whole number from 1 to %(max)s.")
                            % {"max": self.max_page_size}
                        )
                    ]
                }
            )
        return int(raw)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update({"minimum": 1, "maximum": self.max_page_size})
        return parameters


class NewestFirstPagination(KeysetPagination):
    ordering = "-id"
