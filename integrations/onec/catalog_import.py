"""A 1C catalog file applied to our catalog through `catalog.services`.

`import*.xml` (`Классификатор` and `Каталог`): groups become categories, properties
become item attributes, goods become items, all found again by 1C's ids (a category by a
slug made from its id, an item by its external id, an attribute by a code made from its
id). `offers*.xml` (`ПакетПредложений`): the profile's price type becomes the item's
price, the quantity its stock. Real 1C files often break the schema (an empty
manufacturer, a KPP of ten digits): everything readable is applied, and each thing that
is not is logged as a problem, never a crash.
"""

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from catalog.models import Category, Item
from catalog.services import attribute_upsert, category_create, category_update, item_upsert
from integrations.onec.models import IntegrationProfile
from integrations.onec.xml_input import child, children, local_name, requisites, text_of

CATEGORY_SLUG_PREFIX = "1c-"
ATTRIBUTE_CODE_PREFIX = "p1c_"
VAT_RATES = {"0": 0, "10": 10, "20": 20, "22": 22, "без ндс": -1}
MAX_PROBLEMS = 200
_HEX_ID = re.compile(r"^[0-9a-fA-F-]{32,36}$")


@dataclass
class ImportSummary:
    categories: int = 0
    attributes: int = 0
    items: int = 0
    prices: int = 0
    problems: list[str] = field(default_factory=list)

    def problem(self, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(message)

    def as_dict(self) -> dict:
        return {
            "categories": self.categories,
            "attributes": self.attributes,
            "items": self.items,
            "prices": self.prices,
        }


def _short_id(onec_id: str) -> str:
    """A lowercase hex key for 1C's id: the UUID itself, or a hash of anything else."""
    if _HEX_ID.match(onec_id):
        return onec_id.replace("-", "").lower()
    return hashlib.sha1(onec_id.encode(), usedforsecurity=False).hexdigest()


def category_slug(onec_id: str) -> str:
    return CATEGORY_SLUG_PREFIX + _short_id(onec_id)


def attribute_code(onec_id: str) -> str:
    return ATTRIBUTE_CODE_PREFIX + _short_id(onec_id)


def _messages(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(f"{key}: {' '.join(value)}" for key, value in error.message_dict.items())
    return "; ".join(error.messages)


# The classifier's groups and properties.


def _import_groups(container, parent: Category | None, summary: ImportSummary, by) -> None:
    for group in children(container, "Группа"):
        onec_id, name = text_of(group, "Ид"), text_of(group, "Наименование")
        if not onec_id or not name:
            summary.problem(f"Группа без Ид или Наименования: {onec_id or name!r}")
            continue
        slug = category_slug(onec_id)
        fields = {"name": name[:200], "slug": slug}
        try:
            existing = Category.objects.filter(slug=slug).first()
            if existing is None:
                category = category_create(fields=fields, parent=parent, by=by)
            else:
                category = category_update(category=existing, fields=fields, parent=parent, by=by)
        except ValidationError as error:
            summary.problem(f"Группа {onec_id}: {_messages(error)}")
            continue
        summary.categories += 1
        _import_groups(child(group, "Группы"), category, summary, by)


def _import_properties(classifier, summary: ImportSummary, by) -> dict[str, str]:
    """Properties as attributes; returns the value ids of reference properties → their text."""
    values: dict[str, str] = {}
    properties = child(classifier, "Свойства")
    for prop in [*children(properties, "Свойство"), *children(properties, "СвойствоНоменклатуры")]:
        onec_id, name = text_of(prop, "Ид"), text_of(prop, "Наименование")
        if not onec_id or not name:
            summary.problem(f"Свойство без Ид или Наименования: {onec_id or name!r}")
            continue
        try:
            attribute_upsert(code=attribute_code(onec_id), fields={"name": name[:100]}, by=by)
        except ValidationError as error:
            summary.problem(f"Свойство {onec_id}: {_messages(error)}")
            continue
        summary.attributes += 1
        for option in children(child(prop, "ВариантыЗначений"), "Справочник"):
            value_id = text_of(option, "ИдЗначения")
            if value_id:
                values[value_id] = text_of(option, "Значение")
    return values


# The catalog's goods.


def _unit(goods) -> str:
    unit = child(goods, "БазоваяЕдиница")
    if unit is None:
        return "шт"
    text = (unit.text or "").strip() or unit.get("НаименованиеКраткое", "")
    return (text or unit.get("НаименованиеПолное", "") or "шт")[:16]


def _vat_rate(goods) -> int | None:
    for rate in children(child(goods, "СтавкиНалогов"), "СтавкаНалога"):
        if text_of(rate, "Наименование").upper() == "НДС":
            value = text_of(rate, "Ставка").lower().rstrip("%").strip()
            return VAT_RATES.get(value)
    return None


def _attributes(goods, options: dict[str, str]) -> dict[str, str]:
    values = {}
    for value in children(child(goods, "ЗначенияСвойств"), "ЗначенияСвойства"):
        onec_id, text = text_of(value, "Ид"), text_of(value, "Значение")
        if onec_id:
            values[attribute_code(onec_id)] = options.get(text, text)[:200]
    return values


def _is_deleted(goods) -> bool:
    marked = text_of(goods, "ПометкаУдаления").lower() == "true"
    return marked or goods.get("Статус", "") == "Удален"


def _item_fields(goods, onec_id: str, creating: bool) -> dict:
    kind_text = requisites(goods).get("ТипНоменклатуры", "")
    group_id = text_of(child(goods, "Группы"), "Ид")
    category = Category.objects.filter(slug=category_slug(group_id)).first() if group_id else None
    fields = {
        "sku": (text_of(goods, "Артикул") or onec_id)[:64],
        "name": text_of(goods, "Наименование")[:255],
        "unit": _unit(goods),
        "kind": Item.Kind.SERVICE if kind_text == "Услуга" else Item.Kind.PRODUCT,
        "is_active": not _is_deleted(goods),
    }
    description = text_of(goods, "Описание")
    if description:
        fields["description"] = description
    if category is not None:
        fields["category"] = category
    vat_rate = _vat_rate(goods)
    if vat_rate is not None:
        fields["vat_rate"] = vat_rate
    if creating:
        fields["price"] = Decimal("0")
    return fields


def _import_goods(catalog, options, summary: ImportSummary, by) -> None:
    known_attributes = set()
    for goods in children(child(catalog, "Товары"), "Товар"):
        onec_id = text_of(goods, "Ид")
        if not onec_id or not text_of(goods, "Наименование"):
            summary.problem(f"Товар без Ид или Наименования: {onec_id!r}")
            continue
        creating = not Item.objects.filter(external_id=onec_id).exists()
        fields = _item_fields(goods, onec_id, creating)
        attributes = _attributes(goods, options)
        known_attributes |= set(attributes)
        try:
            _item_save(onec_id, fields, attributes, by)
        except ValidationError as error:
            if "sku" not in getattr(error, "message_dict", {}):
                summary.problem(f"Товар {onec_id}: {_messages(error)}")
                continue
            # Another item holds this SKU: 1C's id is unique, keep that instead.
            summary.problem(f"Товар {onec_id}: артикул {fields['sku']!r} занят, взят Ид")
            try:
                _item_save(onec_id, {**fields, "sku": onec_id[:64]}, attributes, by)
            except ValidationError as second:
                summary.problem(f"Товар {onec_id}: {_messages(second)}")
                continue
        summary.items += 1


def _item_save(onec_id: str, fields: dict, attributes: dict, by) -> None:
    try:
        item_upsert(external_id=onec_id, fields=fields, attributes=attributes, by=by)
    except ValidationError as error:
        if "attributes" not in getattr(error, "message_dict", {}):
            raise
        # A property of another classifier: keep the item, without the values we cannot place.
        item_upsert(external_id=onec_id, fields=fields, by=by)


# The offers' prices and stock.


def _price_type_id(package, profile: IntegrationProfile, summary: ImportSummary) -> str | None:
    """The id of the profile's price type; None to take each offer's first price (no type
    configured), "" when the configured one is not in the file (take none)."""
    types = [
        (text_of(price_type, "Ид"), text_of(price_type, "Наименование"))
        for price_type in children(child(package, "ТипыЦен"), "ТипЦены")
    ]
    if profile.price_type:
        for type_id, name in types:
            if name.casefold() == profile.price_type.casefold():
                return type_id
        summary.problem(f"Тип цен «{profile.price_type}» не найден в файле")
        return ""  # no price of this file is the profile's
    return types[0][0] if types else None


def _quantity(offer) -> Decimal | None:
    """The offer's stock: its `Количество`, or the sum over its warehouses."""
    values = [text_of(offer, "Количество")]
    values += [
        text_of(child(stock, "Склад"), "Количество") or text_of(stock, "Количество")
        for stock in children(child(offer, "Остатки"), "Остаток")
    ]
    values += [stock.get("КоличествоНаСкладе", "") for stock in children(offer, "Склад")]
    total, seen = Decimal("0"), False
    for value in values:
        try:
            total += Decimal(value.replace(",", "."))
        except InvalidOperation:
            continue
        seen = True
    return total if seen else None


def _offer_item(offer_id: str) -> Item | None:
    item = Item.objects.filter(external_id=offer_id).first()
    if item is None and "#" in offer_id:
        item = Item.objects.filter(external_id=offer_id.split("#", 1)[0]).first()
    return item


def _offer_price(offer, offer_id, price_type_id, summary: ImportSummary) -> Decimal | None:
    for price in children(child(offer, "Цены"), "Цена"):
        if price_type_id is None or text_of(price, "ИдТипаЦены") == price_type_id:
            try:
                return Decimal(text_of(price, "ЦенаЗаЕдиницу").replace(",", "."))
            except InvalidOperation:
                summary.problem(f"Предложение {offer_id}: цена не число")
    return None


def _import_offers(package, profile, summary: ImportSummary, by) -> None:
    """Prices and stock per item. A product's variants (`product#variant`) are offers of one
    item here: it costs the lowest of their prices ("from ...") and is in stock while any
    of them is."""
    price_type_id = _price_type_id(package, profile, summary)
    collected: dict[str, dict] = {}
    for offer in children(child(package, "Предложения"), "Предложение"):
        offer_id = text_of(offer, "Ид")
        item = _offer_item(offer_id)
        if item is None:
            summary.problem(f"Предложение {offer_id}: нет такого товара")
            continue
        entry = collected.setdefault(item.external_id, {"prices": [], "quantity": None})
        price = (
            _offer_price(offer, offer_id, price_type_id, summary) if price_type_id != "" else None
        )
        if price is not None:
            entry["prices"].append(price)
        quantity = _quantity(offer)
        if quantity is not None:
            entry["quantity"] = (entry["quantity"] or 0) + quantity
    for external_id, entry in collected.items():
        fields = {}
        if entry["prices"]:
            fields["price"] = min(entry["prices"])
        if entry["quantity"] is not None:
            fields["in_stock"] = entry["quantity"] > 0
        if not fields:
            continue
        try:
            item_upsert(external_id=external_id, fields=fields, by=by)
        except ValidationError as error:
            summary.problem(f"Предложения {external_id}: {_messages(error)}")
            continue
        summary.prices += 1


def catalog_file_import(*, profile: IntegrationProfile, root) -> ImportSummary:
    """Apply a parsed `КоммерческаяИнформация` of the catalog exchange."""
    summary = ImportSummary()
    by = profile.service_user
    if local_name(root) != "КоммерческаяИнформация":
        summary.problem("Корневой элемент не КоммерческаяИнформация")
        return summary
    options: dict[str, str] = {}
    for classifier in children(root, "Классификатор"):
        _import_groups(child(classifier, "Группы"), None, summary, by)
        options |= _import_properties(classifier, summary, by)
    for catalog in children(root, "Каталог"):
        _import_goods(catalog, options, summary, by)
    for package in children(root, "ПакетПредложений"):
        _import_offers(package, profile, summary, by)
    return summary
