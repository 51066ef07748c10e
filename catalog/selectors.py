from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from catalog.models import Category, Item, ItemAttributeValue, SpecialOffer
from core.money import discounted

# Item names and descriptions are Russian; the stemmer makes "диваны" find "диван".
SEARCH_CONFIG = "russian"

SORT_ORDERS = {
    "name": ("name", "id"),
    "price": ("price", "name", "id"),
    "-price": ("-price", "name", "id"),
    "newest": ("-created_at", "-id"),
}


def item_list_active() -> QuerySet[Item]:
    """Items that can be ordered now, with their category loaded in the same query."""
    return Item.objects.filter(is_active=True).select_related("category")


def category_subtree_items(category: Category) -> QuerySet[Item]:
    """Items of the category and of every category below it, active or not, in one query.

    A descendant's materialized path starts with its ancestor's, so the whole subtree is
    one prefix match on the indexed path column, however deep the tree.
    """
    return Item.objects.filter(category__path__startswith=category.path).select_related("category")


def item_get_by_sku(sku: str) -> Item:
    """The item with this SKU and its category; raises Item.DoesNotExist if there is none."""
    return Item.objects.select_related("category").get(sku=sku)


# The client catalog: only what can be ordered, in active categories.


def catalog_items(category: Category | None = None) -> QuerySet[Item]:
    """Active items a client may order, of `category`'s subtree when given."""
    items = item_list_active().filter(Q(category__isnull=True) | Q(category__is_active=True))
    if category is not None:
        items = items.filter(category__path__startswith=category.path)
    return items


def catalog_item_get(*, item_id) -> Item:
    """One orderable item with its category; 404 for an unknown, inactive or hidden one."""
    try:
        return catalog_items().get(pk=item_id)
    except (Item.DoesNotExist, ValueError, TypeError) as error:
        raise Http404("No such item") from error


def catalog_categories() -> QuerySet[Category]:
    """The active categories in tree order (by path), for the navigation."""
    return Category.objects.filter(is_active=True).order_by("path")


def catalog_category_get(*, slug: str) -> Category:
    try:
        return catalog_categories().get(slug=slug)
    except Category.DoesNotExist as error:
        raise Http404("No such category") from error


def category_breadcrumbs(category: Category) -> list[Category]:
    """The category's ancestors from the root, then the category: one query."""
    steplen = Category.steplen
    paths = [category.path[:end] for end in range(steplen, len(category.path), steplen)]
    return [*Category.objects.filter(path__in=paths).order_by("path"), category]


def item_search(items: QuerySet[Item], query: str) -> QuerySet[Item]:
    """Items matching `query`, the best matches first.

    PostgreSQL: full-text search with stemming over name (weighted higher), SKU and
    description, plus a substring match on the SKU and name so a partial code is found
    as on SQLite. SQLite: every word must occur in the casefolded `search_text`
    (its LIKE folds only ASCII, and names are Cyrillic).
    """
    words = query.casefold().split()
    if not words:
        return items
    if connections[items.db].vendor == "postgresql":
        vector = SearchVector("name", weight="A", config=SEARCH_CONFIG) + SearchVector(
            "sku", "description", weight="B", config=SEARCH_CONFIG
        )
        search_query = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
        substring = Q()
        for word in words:
            substring &= Q(search_text__contains=word)
        return (
            items.annotate(search=vector, search_rank=SearchRank(vector, search_query))
            .filter(Q(search=search_query) | substring)
            .order_by("-search_rank", "name", "id")
        )
    for word in words:
        items = items.filter(search_text__contains=word)
    return items.order_by("name", "id")


def item_filter(
    items: QuerySet[Item],
    *,
    kind: str = "",
    price_min: Decimal | None = None,
    price_max: Decimal | None = None,
    in_stock: bool = False,
) -> QuerySet[Item]:
    if kind:
        items = items.filter(kind=kind)
    if price_min is not None:
        items = items.filter(price__gte=price_min)
    if price_max is not None:
        items = items.filter(price__lte=price_max)
    if in_stock:
        items = items.filter(in_stock=True)
    return items


# Attributes: the catalog's per-attribute filters ("facets") and an item's characteristics.


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    code: str
    name: str
    values: list[FacetValue]


def item_filter_attributes(items: QuerySet[Item], selected: dict[str, list[str]]) -> QuerySet[Item]:
    """Items having, for every attribute in `selected`, one of its selected values."""
    for code, values in selected.items():
        items = items.filter(
            pk__in=ItemAttributeValue.objects.filter(attribute__code=code, value__in=values).values(
                "item_id"
            )
        )
    return items


def attribute_facets(items: QuerySet[Item], selected: dict[str, list[str]]) -> list[Facet]:
    """The filterable attributes of `items` with each value's number of items.

    `items` are filtered by everything but the attributes. A value's count is what
    ticking it would add: for an attribute with a selection, counted over the items the
    other attributes' selections leave; for the others, over all of them. That is one
    query plus one per attribute with a selection, however many items there are.
    An item has one value per attribute (a unique constraint), so rows count items.
    """
    counts: dict[tuple[str, str], int] = {}
    names: dict[str, tuple[int, str]] = {}
    scopes = [(item_filter_attributes(items, selected), None)]
    for code in selected:
        others = {other: values for other, values in selected.items() if other != code}
        scopes.append((item_filter_attributes(items, others), code))
    for scope, only_code in scopes:
        rows = ItemAttributeValue.objects.filter(
            item__in=scope.order_by().values("pk"), attribute__is_filterable=True
        )
        rows = rows.filter(attribute__code=only_code) if only_code else rows
        if only_code is None and selected:
            rows = rows.exclude(attribute__code__in=list(selected))
        for row in rows.values(
            "attribute__code", "attribute__name", "attribute__position", "value"
        ).annotate(count=Count("pk")):
            code = row["attribute__code"]
            names[code] = (row["attribute__position"], row["attribute__name"])
            counts[code, row["value"]] = row["count"]
    facets = []
    for code, (_position, name) in sorted(names.items(), key=lambda pair: (pair[1], pair[0])):
        chosen = set(selected.get(code, ()))
        values = [
            FacetValue(value, count, value in chosen)
            for (value_code, value), count in sorted(counts.items(), key=_natural_key)
            if value_code == code
        ]
        facets.append(Facet(code, name, values))
    return facets


def _natural_key(entry: tuple[tuple[str, str], int]) -> tuple:
    """Numbers by value, so "80 см" comes before "120 см", then text, case-insensitive."""
    (code, value), _count = entry
    head = value.split(maxsplit=1)[0].replace(",", ".") if value.strip() else ""
    try:
        number = Decimal(head)
    except ArithmeticError:
        number = None
    if number is None or not number.is_finite():
        return (code, 1, Decimal(0), value.casefold())
    return (code, 0, number, value.casefold())


def item_attribute_values(item: Item) -> list[ItemAttributeValue]:
    """The item's characteristics in the attributes' order, for its page: one query."""
    return list(item.attribute_values.select_related("attribute"))


def attribute_values_prefetch() -> Prefetch:
    """Items' attribute values with their attributes: one more query for all the items."""
    return Prefetch(
        "attribute_values", queryset=ItemAttributeValue.objects.select_related("attribute")
    )


def with_attribute_values(items: QuerySet[Item]) -> QuerySet[Item]:
    return items.prefetch_related(attribute_values_prefetch())


def item_sort(items: QuerySet[Item], sort: str) -> QuerySet[Item]:
    """Apply a named order from SORT_ORDERS; an unknown name keeps the current one."""
    order = SORT_ORDERS.get(sort)
    return items.order_by(*order) if order else items


# Special offers


def offer_list_current(*, on: date | None = None) -> QuerySet[SpecialOffer]:
    on = on or timezone.localdate()
    return SpecialOffer.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on), is_active=True, starts_on__lte=on
    ).select_related("category")


@dataclass(frozen=True)
class ItemOffer:
    offer: SpecialOffer
    price: Decimal

    @property
    def discount_percent(self) -> Decimal:
        return self.offer.discount_percent


def offer_best_for_items(items: Iterable[Item], *, on: date | None = None) -> dict[int, ItemOffer]:
    """The largest current offer for each item that has one, by item id: two queries.

    An offer covers the items it lists and every item of its category's subtree. Items
    need their category loaded (`select_related`), or each costs a query.
    """
    items = list(items)
    if not items:
        return {}
    offers = list(offer_list_current(on=on))
    if not offers:
        return {}
    listed = set(
        SpecialOffer.items.through.objects.filter(
            specialoffer_id__in=[offer.pk for offer in offers],
            item_id__in=[item.pk for item in items],
        ).values_list("specialoffer_id", "item_id")
    )
    best: dict[int, ItemOffer] = {}
    for item in items:
        path = item.category.path if item.category_id else None
        covering = [
            offer
            for offer in offers
            if (offer.pk, item.pk) in listed
            or (offer.category_id and path and path.startswith(offer.category.path))
        ]
        if covering:
            # Largest discount; on a tie the older offer, so the choice is stable.
            offer = max(covering, key=lambda offer: (offer.discount_percent, -offer.pk))
            best[item.pk] = ItemOffer(offer=offer, price=offer_price(item.price, offer))
    return best


def offer_price(price: Decimal, offer: SpecialOffer) -> Decimal:
    return discounted(price, offer.discount_percent)
