"""Cart service errors; the portal shows their messages. Bad input is a ValidationError."""

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError


class CartError(DomainError):
    default_message = _("The cart could not be changed.")


class CartPermissionError(CartError):
    default_message = _(
        "Your login is not linked to a customer yet, so it cannot order. "
        "Your manager will link it shortly."
    )


class CartChangedError(CartError):
    """The line or cart the caller read is gone or no longer open (another tab submitted it)."""

    default_message = _("Your cart has changed. Reload it and try again.")


class CartEmptyError(CartError):
    default_message = _("Your cart is empty.")


class CartSubmittedError(CartError):
    """The cart was submitted already; `order_id` is the order it became."""

    default_message = _("This cart has already been submitted.")

    def __init__(self, *, order_id=None):
        self.order_id = order_id
        super().__init__()
