"""Errors of the task services; each edge turns them into a message once."""

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError


class TaskError(DomainError):
    default_message = _("The task could not be changed.")

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(self.message)


class TaskValidationError(TaskError):
    """Input is wrong; `errors` maps form field names to messages."""

    default_message = _("The task has errors.")

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__()
        self.errors = errors


class TaskPermissionError(TaskError):
    default_message = _("You are not allowed to do this with the task.")


class TaskStateError(TaskError):
    default_message = _("The task is already done.")
