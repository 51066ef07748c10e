"""A special offer's price rounds half a kopeck up."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.models import SpecialOffer
from catalog.selectors import offer_best_for_items
from tests.catalog.factories import ItemFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("price", "percent", "offer_price"),
    [
        ("10.25", "50", "5.13"),  # 5.125
        ("3.00", "12.50", "2.63"),  # 2.625
        ("1000.00", "7.50", "925.00"),
    ],
)
def test_an_offer_price_rounds_half_a_kopeck_up(price, percent, offer_price):
    item = ItemFactory(price=Decimal(price))
    offer = SpecialOffer.objects.create(
        title="Скидка",
        discount_percent=Decimal(percent),
        starts_on=timezone.localdate() - timedelta(days=1),
    )
    offer.items.add(item)

    assert offer_best_for_items([item])[item.pk].price == Decimal(offer_price)
