"""The number in the navigation's cart link, kept in the session.

Counting lines on every page would add a query to each one; the session is loaded for
every logged-in request anyway. The cart views refresh the number whenever the cart
changes or is shown, so it is right in this browser and at worst stale in another.
"""

from carts.selectors import cart_line_count_for_user

SESSION_KEY = "cart_line_count"


def remember_cart_count(request, count: int | None = None) -> None:
    if count is None:
        count = cart_line_count_for_user(user=request.user)
    if request.session.get(SESSION_KEY) != count:
        request.session[SESSION_KEY] = count


def cart_line_count(request):
    """Context processor: `cart_line_count` for the navigation."""
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    if session is None or user is None or not user.is_authenticated:
        return {"cart_line_count": 0}
    return {"cart_line_count": session.get(SESSION_KEY, 0)}
