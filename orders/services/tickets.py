"""Writes that only support requests have: the priority staff set on a ticket."""

from django.db import transaction
from django.utils.translation import gettext as _

from orders.actions import OrderAction
from orders.errors import OrderPermissionError, OrderTransitionError, OrderValidationError
from orders.lifecycle import FINAL_STATES, OrderKind
from orders.models import Order
from orders.services.core import _bump, _lock, _record_event


def ticket_priority_set(
    *, order: Order, priority: str, by, expected_version: int | None = None
) -> Order:
    """Set a support request's priority (one of `Order.Priority`).

    Requires staff who process orders (`orders.process_order`; None for the system), a
    ticket (kind `support`) that is not closed or cancelled, and, when given, the version
    the caller saw. Writes the priority and one `ticket_priority_set` event with the old
    and new value (its outbox row carries them to rules and webhooks); the same priority
    again writes nothing. Raises `OrderPermissionError`, `OrderValidationError`
    (`priority`), `OrderTransitionError` or `OrderConflictError` and then writes nothing.
    """
    if by is not None and not by.has_perm("orders.process_order"):
        raise OrderPermissionError()
    if priority not in Order.Priority.values:
        raise OrderValidationError({"priority": [_("Choose one of the priorities.")]})
    with transaction.atomic():
        locked = _lock(order, expected_version=expected_version)
        if locked.kind != OrderKind.SUPPORT:
            raise OrderTransitionError(_("Only a support request has a priority to set here."))
        if locked.state in FINAL_STATES:
            raise OrderTransitionError(
                _("The request is closed: reopen it to change its priority.")
            )
        previous = locked.priority
        if previous == priority:
            return locked
        locked.priority = priority
        _bump(locked, fields=["priority"])
        _record_event(
            locked,
            action=OrderAction.TICKET_PRIORITY_SET,
            by=by,
            from_state=locked.state,
            to_state=locked.state,
            payload={"old_priority": previous, "new_priority": priority},
        )
    return locked
