from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from carts.errors import (
    CartChangedError,
    CartEmptyError,
    CartError,
    CartPermissionError,
    CartSubmittedError,
)
from carts.models import Cart, CartLine
from carts.services import cart_add_item, cart_remove_line, cart_submit, cart_update_line
from catalog.models import Category, SpecialOffer
from notifications.models import OutboxMessage
from orders.lifecycle import OrderKind, State
from orders.models import Order, OrderEvent
from tests.catalog.factories import ItemFactory
from tests.factories import ContactFactory, UserFactory

pytestmark = pytest.mark.django_db

REQUIRED = "This field is required."


def _nothing_saved():
    return (Cart.objects.count(), CartLine.objects.count(), Order.objects.count())


# Adding


def test_adding_without_the_required_field_is_refused_naming_it_and_saves_nothing(contact, sofa):
    with pytest.raises(ValidationError) as refused:
        cart_add_item(by=contact.user, item=sofa, quantity=1, custom_values={"color": "Синий"})

    assert refused.value.message_dict == {"fabric": [REQUIRED]}
    assert _nothing_saved() == (0, 0, 0)


def test_every_bad_field_is_named_at_once(contact, sofa):
    with pytest.raises(ValidationError) as refused:
        cart_add_item(
            by=contact.user, item=sofa, quantity="0", custom_values={"fabric": "Шёлк", "size": "L"}
        )

    assert set(refused.value.message_dict) == {"quantity", "fabric", "size"}
    assert refused.value.message_dict["size"] == ["Unknown field for this item."]
    assert _nothing_saved() == (0, 0, 0)


def test_adding_with_the_required_field_saves_a_line_in_a_new_open_cart(contact, sofa):
    line = cart_add_item(
        by=contact.user, item=sofa, quantity="2", custom_values={"fabric": "Велюр", "color": ""}
    )

    cart = Cart.objects.get()
    assert (cart.contact, cart.status, cart.order) == (contact, Cart.Status.OPEN, None)
    assert line.cart == cart
    assert (line.item, line.quantity) == (sofa, Decimal("2"))
    assert line.custom_values == {"fabric": "Велюр"}
    assert line.custom_fields_display == [("Ткань обивки", "Велюр")]


def test_the_same_answers_add_up_and_other_answers_make_another_line(contact, sofa):
    first = cart_add_item(by=contact.user, item=sofa, quantity=1, custom_values={"fabric": "Велюр"})
    again = cart_add_item(by=contact.user, item=sofa, quantity=2, custom_values={"fabric": "Велюр"})
    other = cart_add_item(
        by=contact.user, item=sofa, quantity=1, custom_values={"fabric": "Экокожа"}
    )

    assert again.pk == first.pk
    assert CartLine.objects.get(pk=first.pk).quantity == Decimal("3")
    assert other.pk != first.pk
    assert Cart.objects.count() == 1
    assert CartLine.objects.count() == 2


def test_a_withdrawn_item_is_refused(contact, sofa):
    sofa.is_active = False
    sofa.save()

    with pytest.raises(ValidationError) as refused:
        cart_add_item(by=contact.user, item=sofa, quantity=1, custom_values={"fabric": "Велюр"})

    assert refused.value.message_dict == {"item": ["This item is no longer sold."]}
    assert _nothing_saved() == (0, 0, 0)


def test_staff_without_a_contact_cannot_fill_a_cart(sofa):
    manager = UserFactory(role="manager")

    with pytest.raises(CartPermissionError):
        cart_add_item(by=manager, item=sofa, quantity=1, custom_values={"fabric": "Велюр"})

    assert _nothing_saved() == (0, 0, 0)


def test_each_contact_of_a_company_has_a_cart_of_their_own(contact, sofa):
    colleague = ContactFactory(customer=contact.customer)

    mine = cart_add_item(by=contact.user, item=sofa, custom_values={"fabric": "Велюр"})
    theirs = cart_add_item(by=colleague.user, item=sofa, custom_values={"fabric": "Велюр"})

    assert mine.cart_id != theirs.cart_id
    assert {cart.contact for cart in Cart.objects.all()} == {contact, colleague}


# Changing lines


def test_update_and_remove_change_only_ones_own_open_cart(contact, sofa):
    line = cart_add_item(by=contact.user, item=sofa, custom_values={"fabric": "Велюр"})
    stranger = ContactFactory().user

    with pytest.raises(CartChangedError):
        cart_update_line(by=stranger, line=line, quantity=5)
    with pytest.raises(CartChangedError):
        cart_remove_line(by=stranger, line=line)

    assert CartLine.objects.get(pk=line.pk).quantity == Decimal("1")
    cart_update_line(by=contact.user, line=line, quantity="4.5")
    assert CartLine.objects.get(pk=line.pk).quantity == Decimal("4.5")
    cart_remove_line(by=contact.user, line=line)
    assert not CartLine.objects.exists()


def test_a_bad_quantity_is_refused_and_the_line_kept(contact, sofa):
    line = cart_add_item(by=contact.user, item=sofa, custom_values={"fabric": "Велюр"})

    for bad in ("0", "-1", "abc", "1.0001", "1e9", "NaN"):
        with pytest.raises(ValidationError) as refused:
            cart_update_line(by=contact.user, line=line, quantity=bad)
        assert list(refused.value.message_dict) == ["quantity"], bad

    assert CartLine.objects.get(pk=line.pk).quantity == Decimal("1")


def test_changing_a_line_marks_the_cart_as_touched(contact, sofa):
    line = cart_add_item(by=contact.user, item=sofa, custom_values={"fabric": "Велюр"})
    long_ago = timezone.now() - timedelta(days=30)
    Cart.objects.update(updated_at=long_ago)

    cart_update_line(by=contact.user, line=line, quantity=2)

    assert Cart.objects.get().updated_at > long_ago


# Submitting


def test_submit_creates_one_order_at_request_with_the_values_and_closes_the_cart(contact, sofa):
    chair = ItemFactory(name="Стул «Вена»", category=sofa.category, price="6500.00")
    cart_add_item(by=contact.user, item=sofa, quantity=2, custom_values={"fabric": "Велюр"})
    cart_add_item(by=contact.user, item=chair, quantity=4, custom_values={"color": "Белый"})
    cart = Cart.objects.get()

    order = cart_submit(by=contact.user, cart=cart, comment="Доставка после 18:00")

    assert Order.objects.count() == 1
    assert (order.state, order.kind, order.channel) == (State.REQUEST, OrderKind.PRODUCT, "portal")
    assert (order.customer, order.contact, order.comment) == (
        contact.customer,
        contact,
        "Доставка после 18:00",
    )
    lines = list(order.lines.order_by("position"))
    assert [(line.item, line.quantity, line.custom_values) for line in lines] == [
        (sofa, Decimal("2"), {"fabric": "Велюр"}),
        (chair, Decimal("4"), {"color": "Белый"}),
    ]
    assert lines[0].custom_labels == {"fabric": "Ткань обивки"}
    assert order.total == Decimal("116000.00")
    cart.refresh_from_db()
    assert (cart.status, cart.order) == (Cart.Status.SUBMITTED, order)
    assert cart.submitted_at is not None
    assert list(OrderEvent.objects.filter(order=order).values_list("action", flat=True)) == [
        "created"
    ]
    # The service's outbox row is what sends the client the confirmation email.
    assert list(OutboxMessage.objects.values_list("topic", flat=True)) == ["order.created"]


def test_submitting_twice_makes_one_order(contact, sofa):
    cart_add_item(by=contact.user, item=sofa, custom_values={"fabric": "Велюр"})
    cart = Cart.objects.get()
    stale_copy = Cart.objects.get(pk=cart.pk)
    order = cart_submit(by=contact.user, cart=cart)

    with pytest.raises(CartSubmittedError) as refused:
        cart_submit(by=contact.user, cart=stale_copy)

    assert refused.value.order_id == order.pk
    assert Order.objects.count() == 1
    assert OutboxMessage.objects.count() == 1


def test_an_empty_cart_is_not_submitted(contact, sofa):
    line = cart_add_item(by=contact.user, item=sofa, custom_values={"fabric": "Велюр"})
    cart_remove_line(by=contact.user, line=line)
    cart = Cart.objects.get()

    with pytest.raises(CartEmptyError):
        cart_submit(by=contact.user, cart=cart)

    assert Cart.objects.get().status == Cart.Status.OPEN
    assert (Order.objects.count(), OutboxMessage.objects.count()) == (0, 0)


def test_an_item_withdrawn_after_adding_refuses_the_submit_by_its_name(contact, sofa):
    cart_add_item(by=contact.user, item=sofa, custom_values={"fabric": "Велюр"})
    sofa.is_active = False
    sofa.save()
    cart = Cart.objects.get()

    with pytest.raises(CartError) as refused:
        cart_submit(by=contact.user, cart=cart)

    assert [str(message) for message in refused.value.messages] == [
        "Диван «Комфорт»: This item is no longer sold."
    ]
    cart.refresh_from_db()
    assert (cart.status, cart.submitted_at, cart.order) == (Cart.Status.OPEN, None, None)
    assert (Order.objects.count(), OutboxMessage.objects.count()) == (0, 0)


def test_another_contacts_cart_cannot_be_submitted(contact, sofa):
    cart_add_item(by=contact.user, item=sofa, custom_values={"fabric": "Велюр"})
    colleague = ContactFactory(customer=contact.customer)

    with pytest.raises(CartPermissionError):
        cart_submit(by=colleague.user, cart=Cart.objects.get())

    assert Cart.objects.get().status == Cart.Status.OPEN
    assert Order.objects.count() == 0


def test_a_cart_of_services_only_becomes_a_service_order(contact, sofa):
    assembly = ItemFactory(name="Сборка мебели", service=True, category=None, price="3500.00")
    cart_add_item(by=contact.user, item=assembly, quantity=1)

    order = cart_submit(by=contact.user, cart=Cart.objects.get())

    assert (order.kind, order.state) == (OrderKind.SERVICE, State.REQUEST)


def test_a_current_offer_is_priced_into_the_lines_discount(contact, sofa):
    today = timezone.localdate()
    offer = SpecialOffer.objects.create(
        title="Неделя диванов",
        discount_percent=Decimal("10"),
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=1),
        category=Category.objects.get(slug="mebel"),
    )
    SpecialOffer.objects.create(
        title="Прошлая акция",
        discount_percent=Decimal("50"),
        starts_on=today - timedelta(days=10),
        ends_on=today - timedelta(days=1),
        category=offer.category,
    )
    cart_add_item(by=contact.user, item=sofa, quantity=2, custom_values={"fabric": "Велюр"})

    order = cart_submit(by=contact.user, cart=Cart.objects.get())

    line = order.lines.get()
    assert (line.unit_price, line.discount_percent, line.line_total) == (
        Decimal("45000.00"),
        Decimal("10.00"),
        Decimal("81000.00"),
    )
    assert order.total == Decimal("81000.00")


def test_a_mounting_day_in_the_past_is_refused_and_saves_nothing(contact):
    from tests.catalog.factories import OrderFormFieldFactory

    wardrobe = ItemFactory(name="Шкаф-купе")
    OrderFormFieldFactory(
        item=wardrobe, name="mounting_day", label="День монтажа", field_type="date"
    )

    with pytest.raises(ValidationError) as refused:
        cart_add_item(by=contact.user, item=wardrobe, custom_values={"mounting_day": "2020-05-01"})

    assert "mounting_day" in refused.value.message_dict
    assert "01.05.2020 is in the past" in refused.value.message_dict["mounting_day"][0]
    assert _nothing_saved() == (0, 0, 0)
    today = timezone.localdate().isoformat()
    line = cart_add_item(by=contact.user, item=wardrobe, custom_values={"mounting_day": today})
    assert line.custom_values == {"mounting_day": today}
