"""Demo catalog: furniture with order forms and the services that go with it."""

from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from catalog.models import Attribute, Category, Item, OrderFormField, SpecialOffer
from catalog.services import item_attributes_set

Kind = Item.Kind
FieldType = OrderFormField.FieldType

CATEGORIES = [
    # slug, name, parent slug (parents come first)
    ("mebel", "Мебель", None),
    ("divany", "Диваны", "mebel"),
    ("stoly", "Столы", "mebel"),
    ("uslugi", "Услуги", None),
    ("montazh-i-servis", "Монтаж и сервис", "uslugi"),
]

CATEGORY_FIELDS = [
    # category slug, name, label, type, choices, required
    ("mebel", "color", "Цвет", FieldType.TEXT, [], False),
]

ITEMS = [
    # sku, kind, name, category slug, unit, price
    ("DEMO-SOFA-KOMFORT", Kind.PRODUCT, "Диван «Комфорт»", "divany", "шт", Decimal("45000")),
    ("DEMO-SOFA-LOFT", Kind.PRODUCT, "Диван «Лофт»", "divany", "шт", Decimal("62000")),
    ("DEMO-TABLE-DUB", Kind.PRODUCT, "Стол обеденный «Дуб»", "stoly", "шт", Decimal("28000")),
    (
        "DEMO-TABLE-BEREZA",
        Kind.PRODUCT,
        "Стол письменный «Берёза»",
        "stoly",
        "шт",
        Decimal("17500"),
    ),
    ("DEMO-CHAIR-VENA", Kind.PRODUCT, "Стул «Вена»", "mebel", "шт", Decimal("6500")),
    (
        "DEMO-SRV-ASSEMBLY",
        Kind.SERVICE,
        "Сборка мебели",
        "montazh-i-servis",
        "усл",
        Decimal("3500"),
    ),
    (
        "DEMO-SRV-MAINTENANCE",
        Kind.SERVICE,
        "Сервисное обслуживание",
        "montazh-i-servis",
        "усл",
        Decimal("5000"),
    ),
]

ITEM_FIELDS = [
    # sku, name, label, type, choices, required
    (
        "DEMO-SOFA-KOMFORT",
        "fabric",
        "Ткань обивки",
        FieldType.CHOICE,
        ["Велюр", "Рогожка", "Экокожа"],
        True,
    ),
    (
        "DEMO-TABLE-DUB",
        "finish",
        "Покрытие",
        FieldType.CHOICE,
        ["Лак", "Масло", "Без покрытия"],
        True,
    ),
    ("DEMO-SRV-ASSEMBLY", "address", "Адрес", FieldType.TEXT, [], True),
    ("DEMO-SRV-ASSEMBLY", "date", "Дата", FieldType.DATE, [], True),
    ("DEMO-SRV-MAINTENANCE", "date", "Дата", FieldType.DATE, [], True),
]


ATTRIBUTES = [
    # code, name, position
    ("material", "Материал", 1),
    ("width", "Ширина", 2),
    ("mechanism", "Механизм", 3),
]

ITEM_ATTRIBUTES = {
    "DEMO-SOFA-KOMFORT": {"material": "Массив сосны", "width": "210 см", "mechanism": "Еврокнижка"},
    "DEMO-SOFA-LOFT": {"material": "Металл", "width": "240 см", "mechanism": "Без механизма"},
    "DEMO-TABLE-DUB": {"material": "Массив дуба", "width": "160 см"},
    "DEMO-TABLE-BEREZA": {"material": "Берёзовая фанера", "width": "120 см"},
    "DEMO-CHAIR-VENA": {"material": "Массив бука"},
}

SPECIAL_OFFERS = [
    # title, percent, category slug
    ("Неделя диванов: −10%", Decimal("10"), "divany"),
]


def _ensure_category(slug: str, name: str, parent: Category | None) -> Category:
    existing = Category.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    create_kwargs = {"slug": slug, "name": name}
    if parent is None:
        return Category.objects.add_root(create_kwargs=create_kwargs)
    return Category.objects.add_child(parent, create_kwargs=create_kwargs)


def seed_catalog() -> None:
    """Create the demo catalog; running it again creates nothing (keys: slugs and SKUs)."""
    categories: dict[str, Category] = {}
    for slug, name, parent_slug in CATEGORIES:
        parent = categories[parent_slug] if parent_slug else None
        categories[slug] = _ensure_category(slug, name, parent)

    for slug, name, label, field_type, choices, required in CATEGORY_FIELDS:
        OrderFormField.objects.get_or_create(
            category=categories[slug],
            name=name,
            defaults={
                "label": label,
                "field_type": field_type,
                "choices": choices,
                "required": required,
            },
        )

    items: dict[str, Item] = {}
    for sku, kind, name, category_slug, unit, price in ITEMS:
        items[sku], _created = Item.objects.get_or_create(
            sku=sku,
            defaults={
                "kind": kind,
                "name": name,
                "category": categories[category_slug],
                "unit": unit,
                "price": price,
            },
        )

    next_position: defaultdict[str, int] = defaultdict(int)
    for sku, name, label, field_type, choices, required in ITEM_FIELDS:
        position = next_position[sku]
        next_position[sku] += 1
        OrderFormField.objects.get_or_create(
            item=items[sku],
            name=name,
            defaults={
                "label": label,
                "field_type": field_type,
                "choices": choices,
                "required": required,
                "position": position,
            },
        )

    for code, name, position in ATTRIBUTES:
        Attribute.objects.get_or_create(code=code, defaults={"name": name, "position": position})
    for sku, values in ITEM_ATTRIBUTES.items():
        if not items[sku].attribute_values.exists():
            item_attributes_set(item=items[sku], values=values)

    for title, percent, category_slug in SPECIAL_OFFERS:
        SpecialOffer.objects.get_or_create(
            title=title,
            defaults={
                "discount_percent": percent,
                "starts_on": timezone.localdate(),
                "category": categories[category_slug],
            },
        )
