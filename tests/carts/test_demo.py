import pytest
from django.core.management import call_command

from carts.models import Cart, CartLine
from catalog.models import SpecialOffer

pytestmark = pytest.mark.django_db


def test_seed_demo_leaves_one_open_cart_with_a_required_answer_once():
    call_command("seed_demo", "--showcase-only")
    call_command("seed_demo", "--showcase-only")

    cart = Cart.objects.get()
    assert (cart.contact.user.username, cart.status) == ("client2", Cart.Status.OPEN)
    assert [(line.item.sku, line.custom_values) for line in CartLine.objects.order_by("id")] == [
        ("DEMO-SOFA-KOMFORT", {"fabric": "Рогожка", "color": "Серый"}),
        ("DEMO-CHAIR-VENA", {}),
    ]
    assert list(SpecialOffer.objects.values_list("title", "category__slug")) == [
        ("Неделя диванов: −10%", "divany")
    ]
