from decimal import Decimal

import factory

from catalog.models import Category, Item, OrderFormField


class CategoryFactory(factory.django.DjangoModelFactory):
    """`CategoryFactory(parent=furniture)` adds a child; without a parent, a root."""

    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Категория {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        # Tree nodes get their path from treebeard, never from a plain save().
        if parent is None:
            return model_class.objects.add_root(create_kwargs=kwargs)
        return model_class.objects.add_child(parent, create_kwargs=kwargs)


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item

    kind = Item.Kind.PRODUCT
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.Sequence(lambda n: f"Товар {n}")
    category = factory.SubFactory(CategoryFactory)
    price = Decimal("1000.00")

    class Params:
        service = factory.Trait(kind=Item.Kind.SERVICE, unit="усл")


class OrderFormFieldFactory(factory.django.DjangoModelFactory):
    """Give either `category=` or `item=`; the field is a text field unless told."""

    class Meta:
        model = OrderFormField

    name = factory.Sequence(lambda n: f"field_{n}")
    label = factory.Sequence(lambda n: f"Поле {n}")
    field_type = OrderFormField.FieldType.TEXT

    class Params:
        choice = factory.Trait(
            field_type=OrderFormField.FieldType.CHOICE, choices=["Велюр", "Рогожка", "Экокожа"]
        )
        number = factory.Trait(field_type=OrderFormField.FieldType.NUMBER)
        date = factory.Trait(field_type=OrderFormField.FieldType.DATE)
