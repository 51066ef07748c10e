"""The base of every app's service errors, so an edge can show any of them one way."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A service refused a change.

    `messages` are texts for the user. `errors` is set only when the input is at fault:
    field paths mapped to their messages.
    """

    default_message = _("The change could not be made.")
    errors: dict[str, list[str]] | None = None

    def __init__(self, message=None, *, messages=None, errors=None):
        self.messages = list(messages) if messages else [message or self.default_message]
        if errors is not None:
            self.errors = errors
        super().__init__("; ".join(str(m) for m in self.messages))
