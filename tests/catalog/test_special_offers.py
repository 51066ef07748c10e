from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.utils import timezone

from catalog.models import Item, SpecialOffer
from catalog.selectors import offer_best_for_items
from tests.catalog.factories import CategoryFactory, ItemFactory

pytestmark = pytest.mark.django_db


def _offer(percent, *, days=(-1, 1), **kwargs):
    today = timezone.localdate()
    items = kwargs.pop("items", [])
    offer = SpecialOffer.objects.create(
        title=f"Скидка {percent}%",
        discount_percent=Decimal(percent),
        starts_on=today + timedelta(days=days[0]),
        ends_on=None if days[1] is None else today + timedelta(days=days[1]),
        **kwargs,
    )
    offer.items.add(*items)
    return offer


def test_the_largest_current_offer_wins_for_listed_items_and_category_subtrees(
    django_assert_num_queries,
):
    furniture = CategoryFactory(name="Мебель")
    sofas = CategoryFactory(name="Диваны", parent=furniture)
    services = CategoryFactory(name="Услуги")
    sofa = ItemFactory(category=sofas, price="1000.00")
    table = ItemFactory(category=furniture, price="999.99")
    assembly = ItemFactory(category=services)
    loose = ItemFactory(category=None, price="10.00")
    _offer("5", category=furniture)
    best_for_sofa = _offer("15", items=[sofa], days=(0, None))
    _offer("50", items=[sofa, table], is_active=False)
    _offer("60", category=furniture, days=(1, 3))
    _offer("70", category=furniture, days=(-5, -1))
    for_loose = _offer("7.5", items=[loose])
    items = list(Item.objects.select_related("category").order_by("id"))

    with django_assert_num_queries(2):
        best = offer_best_for_items(items)

    assert {item_id: offer.offer.title for item_id, offer in best.items()} == {
        sofa.pk: best_for_sofa.title,
        table.pk: "Скидка 5%",
        loose.pk: for_loose.title,
    }
    assert assembly.pk not in best
    assert best[sofa.pk].price == Decimal("850.00")
    assert best[table.pk].price == Decimal("949.99")
    assert best[loose.pk].price == Decimal("9.25")


def test_no_offers_cost_one_query(django_assert_num_queries):
    items = [ItemFactory()]

    with django_assert_num_queries(1):
        assert offer_best_for_items(items) == {}


def test_an_offer_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError):
        _offer("10", days=(0, -1))
