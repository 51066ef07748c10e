"""Service errors as messages on the page, the same in every portal."""

from django.contrib import messages
from django.utils.translation import gettext_lazy

from core.errors import DomainError

FIELD_LABELS = {
    "reason": gettext_lazy("Reason"),
    "manager": gettext_lazy("Manager"),
    "expected_date": gettext_lazy("Expected delivery"),
}


def order_error_texts(error: DomainError) -> list[str]:
    if error.errors is not None:
        return [
            f"{FIELD_LABELS.get(field, field)}: {message}"
            for field, field_messages in error.errors.items()
            for message in field_messages
        ]
    return [str(message) for message in error.messages]


def report_order_error(request, error: DomainError) -> None:
    for text in order_error_texts(error):
        messages.error(request, text)
