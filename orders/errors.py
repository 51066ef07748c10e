"""One error hierarchy for order services; each edge translates it once (HTTP status, message)."""

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError


class OrderError(DomainError):
    default_message = _("The order could not be changed.")


class OrderValidationError(OrderError):
    """Input is wrong; `errors` maps field paths to messages.

    Paths name the field as the API does: `lines.0.custom_values.fabric`.
    """

    default_message = _("The order has errors.")

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(
            messages=[
                f"{field}: {message}" for field, items in errors.items() for message in items
            ],
            errors=errors,
        )


class OrderTransitionError(OrderError):
    """The transition does not exist from this state, or its conditions are not met now."""

    default_message = _("This action is not allowed for the order now.")


class OrderConflictError(OrderError):
    """Someone else changed the order since the caller read it."""

    default_message = _("The order was changed by someone else. Reload it and try again.")


class OrderPermissionError(OrderError):
    default_message = _("You are not allowed to do this with the order.")
