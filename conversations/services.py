"""Every write to the order chat and to feedback; each also tells the other side.

The notifications leave through the outbox in the same transaction as the row, as the
order services do. Neither write is part of the order's lifecycle: no `OrderEvent`.
"""

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.roles import Role
from conversations.models import (
    ATTACHMENT_NAME_MAX_LENGTH,
    BODY_MAX_LENGTH,
    LOW_RATING_MAX,
    RATING_MAX,
    RATING_MIN,
    Feedback,
    OrderMessage,
)
from notifications.outbox import outbox_write
from orders.errors import OrderPermissionError, OrderTransitionError, OrderValidationError
from orders.lifecycle import DeliveryStatus, State
from orders.models import Order
from tasks.permissions import user_acts_on_orders
from tasks.services import task_create

CLIENT_PERMISSION = "orders.act_as_client"
VIEW_ALL_ORDERS = "orders.view_all_orders"
# Staff who work on orders answer the client; a read-only director does not.
STAFF_CHAT_PERMISSIONS = (
    "orders.process_order",
    "orders.handle_production",
    "orders.handle_delivery",
)
ATTACHMENT_EXTENSIONS = {".pdf", ".jpg", ".jpeg", ".png", ".txt"}
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
# Once the client has the goods (or the order is done) there is something to rate.
FEEDBACK_STATES = (State.CLOSED, State.SERVICE)
FOLLOW_UP_DUE_AFTER = timedelta(days=1)


def _is_order_client(order: Order, user) -> bool:
    return (
        user is not None
        and user.is_active
        and user.has_perm(CLIENT_PERMISSION)
        and order.belongs_to_client_user(user)
    )


def user_may_chat_as_staff(user) -> bool:
    return (
        user is not None
        and user.is_active
        and user.has_perm(VIEW_ALL_ORDERS)
        and any(user.has_perm(permission) for permission in STAFF_CHAT_PERMISSIONS)
    )


def _text(value, *, field: str, required: bool) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise OrderValidationError({field: [_("Write a message.")]})
    if "\x00" in text:
        # PostgreSQL refuses NUL in text; a 500 later would be worse than a clear "no" now.
        raise OrderValidationError({field: [_("The text contains a character not allowed.")]})
    if len(text) > BODY_MAX_LENGTH:
        raise OrderValidationError(
            {field: [_("Keep it under %(limit)s characters.") % {"limit": BODY_MAX_LENGTH}]}
        )
    return text


def _attachment_check(upload) -> str:
    """The file's extension, once it is a kind and size we keep."""
    extension = Path(upload.name or "").suffix.lower()
    if extension not in ATTACHMENT_EXTENSIONS:
        raise OrderValidationError({"attachment": [_("Attach a PDF, JPG, PNG or TXT file.")]})
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise OrderValidationError({"attachment": [_("The file is larger than 10 MB.")]})
    return extension


def message_post(
    *, order: Order, author, body: str, is_internal: bool = False, attachment=None
) -> OrderMessage:
    """Post `body` to the order's chat as `author`, with one file if given.

    Requires the order's own client user (`orders.act_as_client`) or staff who see every
    order and may work on orders. Writes the message and one outbox row
    (`order.message_posted`): a client's message notifies the manager, a staff
    message the client. With `is_internal`, a note among staff: only staff may post it,
    and it writes no outbox row, so no notification, email or webhook ever carries it.
    The `attachment` (PDF, JPG, PNG or TXT up to 10 MB) is kept in private storage under
    a name of ours; the name the sender gave is kept to show. Raises
    `OrderPermissionError` or `OrderValidationError` (`body`, `attachment`) and then
    writes nothing.
    """
    if is_internal:
        if not user_may_chat_as_staff(author):
            raise OrderPermissionError()
        is_from_client = False
    elif _is_order_client(order, author):
        is_from_client = True
    elif user_may_chat_as_staff(author):
        is_from_client = False
    else:
        raise OrderPermissionError()
    text = _text(body, field="body", required=True)
    extension = _attachment_check(attachment) if attachment is not None else ""
    with transaction.atomic():
        # One writer per order at a time: ids are then given in commit order, so a poll
        # asking for "after id N" can never skip a message committed late.
        Order.objects.select_for_update(of=("self",)).filter(pk=order.pk).values("pk").get()
        message = OrderMessage.objects.create(
            order=order,
            author=author,
            is_from_client=is_from_client,
            is_internal=is_internal,
            body=text,
        )
        if attachment is not None:
            # Our name on disk, never the sender's: no path tricks, no clashes.
            message.attachment_name = Path(attachment.name).name[-ATTACHMENT_NAME_MAX_LENGTH:]
            message.attachment.save(
                f"order-{order.pk}-message-{message.pk}{extension}", attachment, save=False
            )
            message.save(update_fields=["attachment", "attachment_name"])
        if not is_internal:
            outbox_write(
                topic="order.message_posted",
                aggregate_type="order",
                aggregate_id=order.pk,
                payload={
                    "order_id": order.pk,
                    "number": order.number,
                    "message_id": message.pk,
                    "author_id": author.pk,
                    "from_client": is_from_client,
                },
                dedupe_key=f"order-message:{message.pk}",
            )
    return message


def _rating(value) -> int:
    try:
        rating = int(str(value).strip())
    except (TypeError, ValueError):
        rating = None
    if rating is None or not RATING_MIN <= rating <= RATING_MAX:
        message = _("Choose a rating from %(min)s to %(max)s.")
        raise OrderValidationError({"rating": [message % {"min": RATING_MIN, "max": RATING_MAX}]})
    return rating


def order_accepts_feedback(order: Order) -> bool:
    """The client has the order: handed over, closed or in after-sales service."""
    return order.state in FEEDBACK_STATES or (
        order.delivery_status == DeliveryStatus.HANDED_TO_CLIENT
    )


def feedback_leave(*, order: Order, author, rating, comment: str = "") -> Feedback:
    """The order's own client rates it (1 to 5) with an optional comment, once.

    Requires the order's client user and an order the client has received (see
    `order_accepts_feedback`). Writes the feedback and one outbox row
    (`order.feedback_left`, the manager is notified in-app). A low rating (1 or 2) also
    gets a follow-up: a task for the order's manager (or, without an active one, for the
    managers' role) to call the client back, due in a day, and a second outbox row
    (`order.feedback_low`, the director's rule). Raises
    `OrderPermissionError`, `OrderValidationError` (`rating`, `comment`) or
    `OrderTransitionError` (not received yet, or rated already) and then writes nothing.
    """
    if not _is_order_client(order, author):
        raise OrderPermissionError()
    errors = {}
    try:
        rating = _rating(rating)
    except OrderValidationError as error:
        errors.update(error.errors)
    try:
        text = _text(comment, field="comment", required=False)
    except OrderValidationError as error:
        errors.update(error.errors)
    if errors:
        raise OrderValidationError(errors)
    already = OrderTransitionError(_("You have already left feedback on this order. Thank you!"))
    with transaction.atomic():
        # The state as committed, not as the caller's copy remembers it.
        current = Order.objects.select_for_update(of=("self",)).get(pk=order.pk)
        if not order_accepts_feedback(current):
            raise OrderTransitionError(_("You can rate the order once you have received it."))
        if Feedback.objects.filter(order=current).exists():
            raise already
        try:
            # The one-to-one's unique index settles two submissions racing past the check.
            with transaction.atomic():
                feedback = Feedback.objects.create(
                    order=current, author=author, rating=rating, comment=text
                )
        except IntegrityError as error:
            raise already from error
        outbox_write(
            topic="order.feedback_left",
            aggregate_type="order",
            aggregate_id=current.pk,
            payload={
                "order_id": current.pk,
                "number": current.number,
                "feedback_id": feedback.pk,
                "rating": rating,
                "author_id": author.pk,
            },
            dedupe_key=f"order-feedback:{feedback.pk}",
        )
        if rating <= LOW_RATING_MAX:
            _low_rating_follow_up(current, feedback)
    return feedback


def _low_rating_follow_up(order: Order, feedback: Feedback) -> None:
    manager = order.manager or order.customer.manager
    if manager is not None and not (manager.is_active and user_acts_on_orders(manager)):
        manager = None
    # Staff read the task in the business's language, whatever the client's is.
    with translation.override(settings.LANGUAGE_CODE):
        task = task_create(
            title=_("Call the client about the low rating of order %(number)s")
            % {"number": order.number},
            description=feedback.comment,
            due_at=timezone.now() + FOLLOW_UP_DUE_AFTER,
            by=None,
            assignee=manager,
            role="" if manager is not None else Role.MANAGER,
            order=order,
        )
    feedback.follow_up_task = task
    feedback.save(update_fields=["follow_up_task"])
    outbox_write(
        topic="order.feedback_low",
        aggregate_type="order",
        aggregate_id=order.pk,
        payload={
            "order_id": order.pk,
            "number": order.number,
            "feedback_id": feedback.pk,
            "rating": feedback.rating,
            "comment": feedback.comment,
            "task_id": task.pk,
            "manager_id": manager.pk if manager is not None else None,
        },
        dedupe_key=f"order-feedback-low:{feedback.pk}",
    )
