"""The cart rounds half a kopeck up, as the order it becomes does, so the two agree."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from carts.selectors import cart_rows
from carts.services import cart_add_item, cart_submit
from catalog.models import SpecialOffer
from tests.catalog.factories import ItemFactory

pytestmark = pytest.mark.django_db


def test_the_cart_total_rounds_half_a_kopeck_up_and_matches_the_order(contact):
    on_offer = ItemFactory(price=Decimal("10.25"))
    by_weight = ItemFactory(price=Decimal("10.25"))
    offer = SpecialOffer.objects.create(
        title="Скидка 50%",
        discount_percent=Decimal("50"),
        starts_on=timezone.localdate() - timedelta(days=1),
    )
    offer.items.add(on_offer)
    cart_add_item(by=contact.user, item=on_offer, quantity=1)  # 10.25 × 50% = 5.125
    line = cart_add_item(by=contact.user, item=by_weight, quantity="0.5")  # 5.125

    rows = cart_rows(line.cart)
    total = sum((row.total for row in rows), Decimal("0"))
    order = cart_submit(by=contact.user, cart=line.cart)

    assert [row.total for row in rows] == [Decimal("5.13"), Decimal("5.13")]
    assert total == order.total == Decimal("10.26")
