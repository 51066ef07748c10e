"""Every write to carts. Submitting a cart creates its order through `order_create`."""

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carts.errors import (
    CartChangedError,
    CartEmptyError,
    CartError,
    CartPermissionError,
    CartSubmittedError,
)
from carts.models import Cart, CartLine
from catalog.models import Item
from catalog.order_forms import order_form_fields, validate_custom_values
from catalog.pricing import item_prices
from notifications.outbox import outbox_write
from orders.errors import OrderPermissionError, OrderValidationError
from orders.lifecycle import OrderKind
from orders.models import Order
from orders.services import LineInput, order_create

MIN_QUANTITY = Decimal("0.001")
# Well inside the column's 12 digits, so adding to a line can never overflow it.
MAX_QUANTITY = Decimal("100000")
CART_REMINDER_TOPIC = "cart.reminder"
CART_REMINDER_STEPS = 2
SWEEP_BATCH = 500


def _client_contact(user):
    """The contact `user` orders for; a user who cannot order for a customer is refused."""
    contact = getattr(user, "contact", None)
    if contact is None or not user.is_active or not user.has_perm("orders.act_as_client"):
        raise CartPermissionError()
    return contact


def _quantity(value, errors: dict) -> Decimal | None:
    try:
        quantity = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        quantity = None
    if quantity is None or not quantity.is_finite():
        errors["quantity"] = [_("Enter a number.")]
        return None
    if quantity < MIN_QUANTITY or quantity > MAX_QUANTITY:
        errors["quantity"] = [
            _("Enter a quantity from %(minimum)s to %(maximum)s.")
            % {"minimum": MIN_QUANTITY, "maximum": MAX_QUANTITY}
        ]
        return None
    if quantity != quantity.quantize(MIN_QUANTITY):
        errors["quantity"] = [_("Use at most three decimal places.")]
        return None
    return quantity


def _open_cart_locked(contact) -> Cart:
    """The contact's open cart under a row lock, created if there is none."""
    for attempt in range(2):
        cart = Cart.objects.select_for_update().filter(contact=contact, status=Cart.Status.OPEN)
        cart = cart.first()
        if cart is not None:
            return cart
        try:
            with transaction.atomic():
                return Cart.objects.create(contact=contact)
        except IntegrityError:
            # A parallel request opened it between our read and our insert: use theirs.
            if attempt:
                raise
    raise AssertionError("unreachable")


def _line_locked(line: CartLine, contact) -> tuple[Cart, CartLine]:
    cart = (
        Cart.objects.select_for_update()
        .filter(pk=line.cart_id, contact=contact, status=Cart.Status.OPEN)
        .first()
    )
    locked = CartLine.objects.filter(pk=line.pk, cart=cart).first() if cart else None
    if locked is None:
        raise CartChangedError()
    return cart, locked


def _reminder_wait(reminders_sent: int):
    if reminders_sent == 0:
        return settings.CART_REMINDER_FIRST_AFTER
    return settings.CART_REMINDER_SECOND_AFTER


def _touch(cart: Cart) -> None:
    """Record a change of the (locked) cart's lines and when its client is next reminded.

    The manager's "abandoned" view reads `updated_at`, so every change of a line counts;
    the next reminder is due that long after the last change, and an emptied cart has none.
    """
    now = timezone.now()
    due = None
    if cart.reminders_sent < CART_REMINDER_STEPS and cart.lines.exists():
        due = now + _reminder_wait(cart.reminders_sent)
    Cart.objects.filter(pk=cart.pk).update(updated_at=now, reminder_due_at=due)


def cart_add_item(
    *, by, item: Item, quantity=1, custom_values: Mapping[str, Any] | None = None
) -> CartLine:
    """Put `item` into the open cart of `by` (a client user), opening the cart if needed.

    Checks the quantity and the item's order form; raises ValidationError naming each
    bad field (`quantity`, `item` or the form field's name) and then saves nothing.
    A line of the same item with the same answers gets the quantity added instead.
    Raises CartPermissionError for a user who does not order for a customer.
    """
    contact = _client_contact(by)
    errors: dict[str, list[str]] = {}
    if not item.is_active:
        errors["item"] = [_("This item is no longer sold.")]
    amount = _quantity(quantity, errors)
    fields = order_form_fields(item)
    try:
        # The client chooses now: a mounting or delivery day already gone is a mistake.
        values = validate_custom_values(
            item, custom_values or {}, fields=fields, past_dates_allowed=False
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    labels = {field.name: field.label for field in fields if field.name in values}
    with transaction.atomic():
        cart = _open_cart_locked(contact)
        line = next(
            (line for line in cart.lines.filter(item=item) if line.custom_values == values), None
        )
        if line is None:
            line = CartLine.objects.create(
                cart=cart, item=item, quantity=amount, custom_values=values, custom_labels=labels
            )
        else:
            if line.quantity + amount > MAX_QUANTITY:
                raise ValidationError({"quantity": [_("The cart cannot hold more of this item.")]})
            line.quantity += amount
            line.save(update_fields=["quantity"])
        _touch(cart)
    return line


def cart_update_line(*, by, line: CartLine, quantity) -> CartLine:
    """Set a line's quantity. Raises ValidationError({"quantity": ...}) or CartChangedError
    when the line is no longer in the user's open cart."""
    contact = _client_contact(by)
    errors: dict[str, list[str]] = {}
    amount = _quantity(quantity, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        cart, locked = _line_locked(line, contact)
        locked.quantity = amount
        locked.save(update_fields=["quantity"])
        _touch(cart)
    return locked


def cart_remove_line(*, by, line: CartLine) -> None:
    """Delete a line of the user's open cart; CartChangedError if it is not there any more."""
    contact = _client_contact(by)
    with transaction.atomic():
        cart, locked = _line_locked(line, contact)
        locked.delete()
        _touch(cart)


def _order_kind(lines: list[CartLine]) -> str:
    if all(line.item.kind == Item.Kind.SERVICE for line in lines):
        return OrderKind.SERVICE
    return OrderKind.PRODUCT


def _readable(error: OrderValidationError, lines: list[CartLine]) -> CartError:
    """Order errors name lines by index (`lines.0.item`); the client knows them by name."""
    messages = []
    for path, path_messages in error.errors.items():
        parts = path.split(".")
        line = None
        if parts[0] == "lines" and len(parts) > 1 and parts[1].isdigit():
            index = int(parts[1])
            line = lines[index] if index < len(lines) else None
        messages.extend(
            f"{line.item.name}: {message}" if line else str(message) for message in path_messages
        )
    return CartError(messages=messages)


def cart_submit(*, by, cart: Cart, comment: str = "") -> Order:
    """Turn the user's open cart into an order at `request` (channel portal) and mark the
    cart submitted, in one transaction: either both happen or neither.

    Lines are priced as the cart page prices them (`catalog.pricing`): the item's price
    with the special offer current now as the line's discount. The order service
    writes the `created` event and the outbox row that confirms the order to the client.
    A cart submitted already raises CartSubmittedError carrying its order, so a second
    click or a second tab never makes a second order. Raises CartEmptyError, and
    CartError with readable messages when an item was withdrawn or its form changed.
    """
    contact = _client_contact(by)
    if cart.contact_id != contact.pk:
        raise CartPermissionError()
    now = timezone.now()
    with transaction.atomic():
        # A conditional UPDATE claims the cart: of two racing submits only one matches.
        claimed = Cart.objects.filter(pk=cart.pk, status=Cart.Status.OPEN).update(
            status=Cart.Status.SUBMITTED, submitted_at=now, updated_at=now, reminder_due_at=None
        )
        if not claimed:
            raise CartSubmittedError(
                order_id=Cart.objects.filter(pk=cart.pk).values_list("order_id", flat=True).first()
            )
        lines = list(cart.lines.select_related("item__category").order_by("id"))
        if not lines:
            raise CartEmptyError()
        # The cart page's pricing (`carts.selectors.cart_rows`), so its total is the order's.
        prices = item_prices({line.item_id: line.item for line in lines}.values())
        line_inputs = [
            LineInput(
                item=line.item,
                quantity=line.quantity,
                discount_percent=prices[line.item_id].discount_percent,
                custom_values=line.custom_values,
            )
            for line in lines
        ]
        try:
            order = order_create(
                customer=contact.customer,
                contact=contact,
                kind=_order_kind(lines),
                lines=line_inputs,
                by=by,
                channel=Order.Channel.PORTAL,
                comment=comment,
            )
        except OrderValidationError as error:
            raise _readable(error, lines) from error
        except OrderPermissionError as error:
            raise CartPermissionError() from error
        Cart.objects.filter(pk=cart.pk).update(order=order)
    return order


def cart_reminder_send(*, cart_id: int, now=None) -> int | None:
    """Remind the client of an open cart with items whose reminder is due; returns the step.

    Re-checks under the cart's row lock: a cart submitted, emptied or reminded meanwhile
    gets nothing (and a due time left on an emptied cart is cleared). Writes one outbox row
    (`cart.reminder`, email and in-app to the contact's user) keyed by cart and step, so a
    sweep run twice sends once, and the next due time: the second reminder that long after
    the cart's last change, none after it. Returns None when nothing was due.
    """
    now = now or timezone.now()
    with transaction.atomic():
        cart = (
            Cart.objects.select_for_update(of=("self",))
            .select_related("contact")
            .filter(pk=cart_id, reminder_due_at__lte=now)
            .first()
        )
        if cart is None:
            return None
        has_lines = cart.lines.exists()
        user_id = cart.contact.user_id
        if (
            cart.status != Cart.Status.OPEN
            or not has_lines
            or cart.reminders_sent >= CART_REMINDER_STEPS
            or user_id is None
        ):
            Cart.objects.filter(pk=cart.pk).update(reminder_due_at=None)
            return None
        step = cart.reminders_sent + 1
        # Not `save()`: the sweep is no change of the cart, so `updated_at` stays.
        Cart.objects.filter(pk=cart.pk).update(
            reminders_sent=step,
            reminder_due_at=cart.updated_at + _reminder_wait(step)
            if step < CART_REMINDER_STEPS
            else None,
        )
        outbox_write(
            topic=CART_REMINDER_TOPIC,
            aggregate_type="cart",
            aggregate_id=cart.pk,
            payload={"cart_id": cart.pk, "step": step, "recipient_id": user_id},
            dedupe_key=f"cart-reminder:{cart.pk}:{step}",
        )
    return step


def cart_reminders_sweep(now=None) -> dict:
    """Beat's scan of the carts whose reminder is due (a partial index on the due time)."""
    now = now or timezone.now()
    cart_ids = list(
        Cart.objects.filter(reminder_due_at__lte=now)
        .order_by("reminder_due_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    steps = [cart_reminder_send(cart_id=cart_id, now=now) for cart_id in cart_ids]
    return {"first": steps.count(1), "second": steps.count(2)}
