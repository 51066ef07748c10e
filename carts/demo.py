"""A demo cart left open, so the managers' cart page and the client's cart have content."""

from carts.models import Cart
from carts.services import cart_add_item
from catalog.models import Item
from customers.models import Contact

DEMO_CART_LOGIN = "client2"
# sku, quantity, order form answers (the sofa's fabric is a required field)
DEMO_CART_LINES = [
    ("DEMO-SOFA-KOMFORT", 1, {"fabric": "Рогожка", "color": "Серый"}),
    ("DEMO-CHAIR-VENA", 4, {}),
]


def seed_carts() -> None:
    """Fill the demo client's cart once; a contact with any cart already is left alone."""
    contact = Contact.objects.select_related("user").get(user__username=DEMO_CART_LOGIN)
    if Cart.objects.filter(contact=contact).exists():
        return
    for sku, quantity, answers in DEMO_CART_LINES:
        cart_add_item(
            by=contact.user,
            item=Item.objects.select_related("category").get(sku=sku),
            quantity=quantity,
            custom_values=answers,
        )
