"""Order service errors as messages on the page, the same in every portal."""

from django.contrib import messages
from django.utils.translation import gettext_lazy

from orders.errors import OrderError, OrderValidationError

FIELD_LABELS = {"reason": gettext_lazy("Reason")}


def report_order_error(request, error: OrderError) -> None:
    if isinstance(error, OrderValidationError):
        for field, field_messages in error.errors.items():
            label = FIELD_LABELS.get(field, field)
            for message in field_messages:
                messages.error(request, f"{label}: {message}")
        return
    for message in error.messages:
        messages.error(request, str(message))
